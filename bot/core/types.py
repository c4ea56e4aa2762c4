"""What the core returns to every front end: an Answer (with the context for the next question and the chart it
may offer), and the pages of a search. The one home of the core's result types."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# The intents of the answer contract (`ask --json`): every question is answered as one of them.
INTENTS = ("greeting", "help", "commitment_overview", "commitment_status", "milestone_status", "milestones",
           "lead_institution", "support_institutions", "policy_areas", "ambition", "verifiability", "relevance",
           "early_results", "dates", "description", "action_plan", "irm_reports", "search", "count", "unknown")


@dataclass(frozen=True)
class Candidate:
    """A commitment offered when a question was ambiguous."""

    id: str
    title: str


@dataclass(frozen=True)
class Button:
    """An action a front end may offer as a button: `action` with `args`, labelled in the answer's language.

    Actions: "overview" (args: commitment id), "intent" (intent name, commitment id),
    "milestone" (commitment id, milestone number), "search" (query, offset), "list" (list key, offset).
    """

    label: str
    action: str
    args: tuple[str, ...] = ()


@dataclass
class Context:
    """What a conversation remembers between questions (stored per chat by the front end)."""

    commitment: str | None = None
    milestone: str | None = None
    lang: str | None = None  # the language of the last answer
    intent: str | None = None
    candidates: list[str] = field(default_factory=list)
    # The scope of the last count, list or search, to re-run it refined or with a part swapped
    # (bot.core.followups): {"intent": "count" | "search", "words": the question's folded words}.
    scope: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Context:
        if not data:
            return cls()
        known = {k: data[k] for k in ("commitment", "milestone", "lang", "intent", "candidates") if k in data}
        return cls(**known, scope=_scope(data.get("scope")))


def _scope(value: object) -> dict[str, Any] | None:
    """A stored scope as written by bot.core.followups; None when absent (older contexts) or malformed."""
    if not isinstance(value, dict) or not isinstance(value.get("intent"), str):
        return None
    words = value.get("words")
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        return None
    return {"intent": value["intent"], "words": list(words)}


@dataclass(frozen=True)
class ChartRequest:
    """What to chart: the plans (or every plan of the members) and the measure."""

    plans: tuple[str, ...]
    metric: str = "completion"  # completion | ambition

    def to_json(self) -> dict[str, object]:
        return {"plans": list(self.plans), "metric": self.metric}


@dataclass
class Answer:
    question: str
    lang: str
    intent: str
    text: str
    commitment: str | None = None
    milestone: str | None = None
    candidates: list[Candidate] = field(default_factory=list)
    confidence: float = 0.0
    sources: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    context: Context = field(default_factory=Context)
    # Entities understood, for logs and tests: {"member": "france", "plan": "france-2018-2020", ...}
    entities: dict[str, Any] = field(default_factory=dict)
    # A chart the answer offers; front ends render it with Assistant.chart.
    chart: ChartRequest | None = None

    def to_json(self) -> dict[str, Any]:
        """The `ask --json` object of the contract in shared/DESIGN.md."""
        return {
            "question": self.question,
            "lang": self.lang,
            "intent": self.intent,
            "commitment": self.commitment,
            "milestone": self.milestone,
            "candidates": [c.id for c in self.candidates],
            "candidate_titles": {c.id: c.title for c in self.candidates},
            "confidence": round(float(self.confidence), 3),
            "text": self.text,
            "sources": list(self.sources),
            "entities": self.entities,
            **({"chart": self.chart.to_json()} if self.chart is not None else {}),
        }


@dataclass(frozen=True)
class Hit:
    """One search result."""

    id: str
    title: str  # in the requested language (or the other one)
    snippet: str  # a short card: plan, lead institution, completion
    url: str | None
    score: float


@dataclass(frozen=True)
class SearchPage:
    hits: list[Hit]
    total: int
    offset: int
