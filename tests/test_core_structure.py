"""The core's structure, checked: the NLU data files are validated where they are read, every intent has one
renderer in the one dispatch table, and the IRM's vocabulary and completion rule have one home."""

from __future__ import annotations

import ast
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.common.vocab import vocabulary
from bot.core import charts, facts
from bot.core.dispatch import RENDERERS
from bot.core.lexicon import NLU_DIR, lexicon, read_lexicon
from bot.core.types import INTENTS
from bot.core.understand import ABOUT_A_COMMITMENT
from bot.dataset.errors import DataError
from bot.dataset.schema import CommitmentRecord, IrmRecord

CORE = Path(__file__).resolve().parents[1] / "bot" / "core"


# -- the NLU data files -----------------------------------------------------------------------------------


def _nlu_copy(tmp_path: Path, name: str, change: Callable[[Any], None] | None = None, text: str | None = None) -> Path:
    for path in NLU_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    if text is not None:
        (tmp_path / name).write_text(text, encoding="utf-8")
    elif change is not None:
        data = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        change(data)
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


def test_the_bundled_nlu_files_are_valid(tmp_path: Path) -> None:
    assert read_lexicon(_nlu_copy(tmp_path, "words.json")).triggers == lexicon().triggers


@pytest.mark.parametrize(("name", "change", "where", "reason"), [
    ("words.json", lambda d: d["ordinals"]["2"].__setitem__(0, 5), "ordinals.2[0]", "valid string"),
    ("words.json", lambda d: d.pop("thanks"), "thanks", "Field required"),
    ("intents.json", lambda d: d["help"].__setitem__("de", ["hilfe"]), "help.de", "Extra inputs"),
    ("intents.json", lambda d: d["count"].__setitem__("weight", "heavy"), "count.weight", "valid number"),
    ("intents.json", lambda d: d.__setitem__("greting", {"en": ["hi"]}), "greting", "not an intent"),
    ("filters.json", lambda d: d["completion"].__setitem__("finished", ["done"]), "completion",
     "'finished' is no completion key"),
    ("glossary.json", lambda d: d["pairs"].__setitem__("donnee", ["data"]), "pairs.donnee", "valid string"),
])
def test_a_malformed_nlu_file_names_the_file_and_the_place(tmp_path: Path, name: str, change: Callable[[Any], None],
                                                           where: str, reason: str) -> None:
    with pytest.raises(DataError) as caught:
        read_lexicon(_nlu_copy(tmp_path, name, change))
    (problem,) = caught.value.problems
    assert problem.source.endswith(name)
    assert problem.where == where
    assert reason in problem.reason
    assert str(caught.value).startswith(f"{problem.source}: {where}: ")


def test_nlu_json_that_does_not_parse_is_located_by_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"filters\.json: line 2 column 14: "):
        read_lexicon(_nlu_copy(tmp_path, "filters.json", text='{\n "starred": [,]\n}'))


def test_comments_are_allowed_at_any_depth(tmp_path: Path) -> None:
    def comment(d: Any) -> None:
        d["synonyms"]["_why"] = "a comment"
        d["stopwords"]["_note"] = ["not", "words"]

    assert read_lexicon(_nlu_copy(tmp_path, "words.json", comment)).stopwords == lexicon().stopwords


def test_only_the_lexicon_reads_data_files() -> None:
    """One reader of data/nlu (bot.core.lexicon): every other module asks it."""
    readers = sorted(str(p.relative_to(CORE)) for p in CORE.rglob("*.py")
                     if p.name != "lexicon.py" and any(s in p.read_text(encoding="utf-8")
                                                       for s in ("NLU_DIR", "json.load", "read_text(", "open(")))
    assert readers == []


# -- one dispatch table -----------------------------------------------------------------------------------


def test_every_intent_of_the_nlu_data_has_a_renderer() -> None:
    named = {k for k in json.loads((NLU_DIR / "intents.json").read_text(encoding="utf-8")) if not k.startswith("_")}
    assert named - set(RENDERERS) == set()


def test_the_dispatch_table_is_the_answer_contract() -> None:
    assert set(INTENTS) == {
        "greeting", "help", "commitment_overview", "commitment_status", "milestone_status", "milestones",
        "lead_institution", "support_institutions", "policy_areas", "ambition", "verifiability", "relevance",
        "early_results", "dates", "description", "action_plan", "irm_reports", "search", "count", "unknown"}
    assert set(RENDERERS) == set(INTENTS)
    assert ABOUT_A_COMMITMENT <= set(RENDERERS)


# -- the IRM's vocabulary and rules, once -----------------------------------------------------------------


def test_the_irm_levels_and_states_come_from_the_vocabulary() -> None:
    vocab = vocabulary()
    assert set(facts.IRM_STATES) == set(vocab.keys("irm_state"))
    assert facts.COMPLETION_LEVELS == ("complete", "substantial", "limited", "not_started", "no_evidence")
    assert facts.AMBITION_LEVELS == ("high", "moderate", "low")
    assert set(facts.COMPLETION_LEVELS) == set(vocab.keys("completion"))


def _commitment(**irm: str) -> CommitmentRecord:
    return CommitmentRecord(id="FR0001", member="france", title={"en": "A commitment"}, irm=IrmRecord(**irm))


@pytest.mark.parametrize(("irm", "completion", "level"), [
    ({"completion_end": "complete", "completion_midterm": "limited"}, ("complete", "end"), "complete"),
    ({"completion_end": "pending_irm_review", "completion_midterm": "substantial", "completion": "limited"},
     ("substantial", "midterm"), "substantial"),
    ({"completion": "limited"}, ("limited", "glance"), "limited"),
    ({"completion_end": "no_irm_data", "completion": "not_reviewed"}, ("no_irm_data", "state"), None),
    ({}, (None, "none"), None),
])
def test_the_most_final_completion_is_one_rule_everywhere(irm: dict[str, str], completion: tuple[str | None, str],
                                                           level: str | None) -> None:
    c = _commitment(**irm)
    assert tuple(facts.completion(c)) == completion
    assert facts.completion_level(c) == level
    assert charts.level(c, "completion") == (level or "unassessed")


def test_ambition_falls_back_on_the_potential_impact() -> None:
    assert facts.ambition_level(_commitment(ambition="moderate")) == "moderate"
    assert facts.ambition_level(_commitment(ambition="pending_irm_review", potential_impact="transformative")) == "high"
    assert facts.ambition_level(_commitment(potential_impact="minor")) == "low"
    assert charts.level(_commitment(), "ambition") == "unassessed"


def test_no_core_module_lists_the_irm_values_itself() -> None:
    """A literal list of IRM states or levels in the core is a second home for the vocabulary: use bot.core.facts."""
    irm_values = set(facts.IRM_STATES) | set(facts.COMPLETION_LEVELS) | set(facts.AMBITION_LEVELS)
    found = []
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple | ast.List | ast.Set) and len(node.elts) >= 2 and all(
                    isinstance(e, ast.Constant) and e.value in irm_values for e in node.elts):
                found.append(f"{path.relative_to(CORE)}:{node.lineno}")
    assert found == []
