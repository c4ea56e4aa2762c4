"""How answers are worded, one module per concern. A Draft (draft) is written with the names of things (names)
and excerpts of long texts (excerpts): about one commitment (commitment) and what the IRM assessed of it (irm),
once it is known which commitment is meant (which); counts and breakdowns (counts); searches (searches); or
the conversation itself: greeting, help, not understood (conversation). Every sentence goes through gettext.

A Renderer writes the answer to an understood question into a Draft; bot.core.dispatch picks it by intent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from bot.core.index import Index
from bot.core.understand import Understanding
from bot.core.wording.draft import Draft

Renderer: TypeAlias = Callable[[Draft, Index, Understanding], None]
