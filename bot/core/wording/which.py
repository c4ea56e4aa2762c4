"""Which commitment a question is about: the renderer of a question about one commitment (and maybe one of its
milestones) made from the renderer of that commitment, and what is said when there is none to answer about:
which one is meant, an id the data does not have, a milestone the commitment does not have."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.index import Index
from bot.core.records import Commitment, Milestone
from bot.core.types import Button
from bot.core.understand import Understanding
from bot.core.wording import Renderer
from bot.core.wording.commitment import missing_milestone
from bot.core.wording.draft import Draft
from bot.core.wording.names import plan_title


def about(render: Callable[[Draft, Index, Commitment], None]) -> Renderer:
    """The renderer of a question about one commitment, from the renderer of that commitment."""

    def answer(draft: Draft, index: Index, u: Understanding) -> None:
        c = _asked(draft, index, u)
        if c is not None:
            render(draft, index, c)

    return answer


def about_milestone(render: Callable[[Draft, Index, Commitment, Milestone | None], None]) -> Renderer:
    """The renderer of a question about one commitment and maybe one of its milestones."""

    def answer(draft: Draft, index: Index, u: Understanding) -> None:
        c = _asked(draft, index, u)
        if c is not None:
            render(draft, index, c, next((m for m in c.milestones if m.number == u.milestone), None))

    return answer


def _asked(draft: Draft, index: Index, u: Understanding) -> Commitment | None:
    """The commitment a question is about; None when the answer is that there is none to answer about: which
    one is meant, an id the data does not have, or a milestone the commitment does not have."""
    t = draft.t
    if u.commitment is None:
        if u.candidates:
            candidates(draft, index, u)
        elif u.entities.unknown_ids:
            unknown_commitment(draft, u.entities.unknown_ids[0])
        else:
            draft.add(t._("Which commitment do you mean? Give its id (like FR0038) or words of its title, "
                          "for example: “who leads FR0038?”"))
            u.confidence = min(u.confidence, 0.3)
        return None
    c = index.commitments[u.commitment]
    if u.missing_milestone:
        missing_milestone(draft, index, c, u.missing_milestone)
        return None
    return c


def unknown_commitment(draft: Draft, commitment_id: str) -> None:
    """An id the data does not have: how to find the commitment, in words every front end understands."""
    t = draft.t
    draft.add(t._("I do not know commitment {id}. Ids look like FR0038. To find a commitment by its subject, "
                  "ask for example “commitments about open data”.", id=commitment_id))


def candidates(draft: Draft, index: Index, u: Understanding) -> None:
    t = draft.t
    draft.add(t._("Several commitments match. Which one do you mean?"))
    for cid in u.candidates:
        c = index.commitments[cid]
        plan = plan_title(draft, index, c)
        draft.add(f"{cid} — {draft.text_of(c.title)}" + (f" ({plan})" if plan else ""))
        draft.buttons.append(Button(f"{cid} — {draft.text_of(c.title)}"[:60], "overview", (cid,)))
