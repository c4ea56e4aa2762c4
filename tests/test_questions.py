"""The question sets, scored like ../shared/tools/score_questions.py on the bundled data: the dev set
(copied from shared/questions), the team's own set, and the field set (276 questions written blind by a tester
who saw the data but not the code; its failures were fixed but one follow-up) must each
stay at or above 97%."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.service import Assistant
from tests.scoring import load, score

MIN_SHARE = 0.97
# field2.jsonl: a second blind tester's 172 questions and 21 conversations (journalists, citizens on a phone,
# points of contact), written after the first set's fixes: 141/172 and 9/21 as first scored, 159/172 and 18/21
# (91.7% of 193) once its commonest failures were fixed. What still fails is listed in that session's closing
# note. A floor against regressions, not a goal.
# field3.jsonl, field4.jsonl, field5.jsonl: the three blind rounds of "never confidently wrong" (249 + 33,
# 231 + 30 and 245 + 33 items, counts computed from the data by the testers). First try, singles / conversations:
# 73.9% / 45.5% (round 1, before the work), 87.9% / 90.0% (round 2), 91.0% / 78.8% (round 3, the last build);
# floors a little under today's 95.7%, 91.6% and 91.7%.
# field6.jsonl: the fourth blind round (249 singles + 30 conversations), first try on the build that has it:
# 85.9% / 86.7%, 7.6% of singles confidently wrong (mostly detail questions answered by a field); a floor.
# field7.jsonl: the fifth blind round (223 singles + 29 conversations), first try on the build that has it:
# 88.3% / 82.8% right, 4.5% of singles confidently wrong, 7.2% abstained; a floor.
# Spanish (issue 18): es_dev.jsonl and es_dev_counts.jsonl, the development sets of the Spanish work (161 and 126
# items); field_es.jsonl, a blind tester's 236 Spanish questions and 24 conversations, first try on the build that
# has Spanish: 218/236 singles and 24/24 conversations right (93.1% of 260), none confidently wrong; a floor.
# field8.jsonl: the blind round after field7's (241 singles + 34 conversations), first try on the build that has
# Spanish: 92.1% / 88.2% right, 4.1% of singles confidently wrong, 3.7% abstained; a floor.
# field9.jsonl: the blind round after field8's (275 singles + 31 conversations), first try on the build with its fixes:
# 94.5% / 93.5% right, 0.7% of singles confidently wrong; a floor.
# field10.jsonl: the blind round after field9's (253 singles + 29 conversations), first try on the build with its
# fixes: 94.9% / 96.6% right (95.0% of 282), 0.8% of singles confidently wrong, 4.3% abstained; a floor.
MIN_SHARE_OF = {"field2.jsonl": 0.85, "field3.jsonl": 0.94, "field4.jsonl": 0.90, "field5.jsonl": 0.90,
                "field6.jsonl": 0.90, "field7.jsonl": 0.86, "field8.jsonl": 0.94, "field9.jsonl": 0.96,
                "field10.jsonl": 0.96, "field_es.jsonl": 0.95}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    url = f"sqlite:///{tmp_path_factory.mktemp('questions') / 'bundled.db'}"
    return Assistant.from_url(url)


@pytest.mark.parametrize("name", ["dev.jsonl", "dev_followup.jsonl", "own.jsonl", "field.jsonl", "field2.jsonl",
                                  "field3.jsonl", "field4.jsonl", "field5.jsonl", "field6.jsonl",
                                  "field7.jsonl", "field8.jsonl", "field9.jsonl", "field10.jsonl", "es_dev.jsonl",
                                  "es_dev_counts.jsonl",
                                  "field_es.jsonl"])
def test_question_set(assistant: Assistant, name: str) -> None:
    items = load(name)
    right, failures = score(assistant, items)
    share = right / len(items)
    print(f"{name}: {right}/{len(items)} = {100 * share:.1f}%")
    floor = MIN_SHARE_OF.get(name, MIN_SHARE)
    assert share >= floor, f"{name}: {100 * share:.1f}% < {100 * floor:.0f}%\n" + "\n".join(failures)


def test_own_set_is_large_and_covers_every_intent() -> None:
    items = load("own.jsonl")
    questions = sum(1 for i in items if "q" in i) + sum(len(i["conversation"]) for i in items if "conversation" in i)
    assert questions >= 150
    intents = {x for i in items if "q" in i for x in i["intent"]}
    intents |= {x for i in items if "conversation" in i for k in ("expect_second", "expect_last")
                for x in i[k]["intent"]}
    assert intents == {"greeting", "help", "commitment_overview", "commitment_status", "milestone_status",
                       "milestones", "lead_institution", "support_institutions", "policy_areas", "ambition",
                       "verifiability", "relevance", "early_results", "dates", "description", "action_plan",
                       "irm_reports", "search", "count", "unknown"}
    assert {i.get("lang") for i in items if "q" in i} == {"en", "fr"}


def test_ask_json_contract_over_stdin(tmp_path: Path) -> None:
    """`python -m bot ask --json` reads one question per line and prints one JSON object per line;
    with --conversation the lines form one chat."""
    db = f"sqlite:///{tmp_path / 'ask.db'}"
    lines = "Tell me about FR0038\nwhat about milestone 9.3?\nand who supports it?\n"
    plain = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--db", db], input=lines,
                           capture_output=True, text=True, timeout=120, check=True)
    chat = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--conversation", "--db", db],
                          input=lines, capture_output=True, text=True, timeout=120, check=True)
    independent = [json.loads(line) for line in plain.stdout.splitlines()]
    together = [json.loads(line) for line in chat.stdout.splitlines()]
    assert len(independent) == len(together) == 3
    for answer in together:
        assert {"question", "lang", "intent", "commitment", "milestone", "candidates", "confidence", "text",
                "sources"} <= set(answer)
    assert independent[1]["commitment"] is None
    assert (together[1]["intent"], together[1]["commitment"], together[1]["milestone"]) == \
        ("milestone_status", "FR0038", "9.3")
    assert together[2]["commitment"] == "FR0038" and together[2]["intent"] == "support_institutions"


@pytest.mark.parametrize(("lang", "says"), [("fr", "Numérique"), ("es", "La institución responsable de FR0038")])
def test_ask_one_question_and_lang_option(tmp_path: Path, lang: str, says: str) -> None:
    db = f"sqlite:///{tmp_path / 'ask.db'}"
    out = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--lang", lang, "--db", db,
                          "who leads FR0038?"], capture_output=True, text=True, timeout=120, check=True)
    answer = json.loads(out.stdout)
    assert answer["lang"] == lang and answer["intent"] == "lead_institution"
    assert says in answer["text"]


def test_spanish_is_detected_and_answered_in_spanish(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ask.db'}"
    question = "¿quién lidera el compromiso FR0038?"
    out = subprocess.run([sys.executable, "-m", "bot", "ask", "--json", "--db", db, question],
                         capture_output=True, text=True, timeout=120, check=True)
    answer = json.loads(out.stdout)
    assert (answer["lang"], answer["intent"], answer["commitment"]) == ("es", "lead_institution", "FR0038")
    assert "La institución responsable de FR0038" in answer["text"]


def test_chat_reads_lines_until_quit(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'chat.db'}"
    out = subprocess.run([sys.executable, "-m", "bot", "chat", "--db", db], input="FR0038\n/quit\nFR0037\n",
                         capture_output=True, text=True, timeout=120, check=True)
    assert "Administrative Capacity-Building" in out.stdout
    assert "FR0037" not in out.stdout
