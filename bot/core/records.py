"""The records the index holds, as the core reads them.

The service builds its index from the light read-only records of the database (bot.dataset.lean); tests and
tools build it from canonical records (bot.dataset.schema). Both have the same fields: the core accepts either.
"""

from __future__ import annotations

from typing import TypeAlias

from bot.dataset import lean, schema

Commitment: TypeAlias = schema.CommitmentRecord | lean.Commitment
Milestone: TypeAlias = schema.MilestoneRecord | lean.Milestone
Dataset: TypeAlias = schema.Dataset | lean.Dataset
