"""Which commitment a question is about: the renderer of a question about one commitment (and maybe one of its
milestones) made from the renderer of that commitment, and what is said when there is none to answer about:
which one is meant, an id the data does not have, a milestone the commitment does not have."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.common.config import DEFAULT_OGP_BASE_URL
from bot.core.index import Index, split_id
from bot.core.records import Commitment, Milestone
from bot.core.types import Button
from bot.core.understand import Understanding
from bot.core.wording import Renderer
from bot.core.wording.commitment import missing_milestone
from bot.core.wording.draft import Draft
from bot.core.wording.names import plan_title
from bot.dataset.members import members

_WRITTEN_ID = re.compile(r"^([A-Za-z]{2,5})[ _-]?(\d{1,5})$")


def about(render: Callable[[Draft, Index, Commitment], None]) -> Renderer:
    """The renderer of a question about one commitment, from the renderer of that commitment."""

    def answer(draft: Draft, index: Index, u: Understanding) -> None:
        c = _asked(draft, index, u)
        if c is not None:
            render(draft, index, c)
            as_of(draft, c)

    return answer


def about_milestone(render: Callable[[Draft, Index, Commitment, Milestone | None], None]) -> Renderer:
    """The renderer of a question about one commitment and maybe one of its milestones."""

    def answer(draft: Draft, index: Index, u: Understanding) -> None:
        c = _asked(draft, index, u)
        if c is not None:
            render(draft, index, c, next((m for m in c.milestones if m.number == u.milestone), None))
            as_of(draft, c)

    return answer


def as_of(draft: Draft, c: Commitment) -> None:
    """How fresh an answer about one commitment is: the day its record was retrieved from OGP (never the day it
    was loaded into the database); nothing when the record does not say."""
    if c.retrieved_at:
        draft.add(draft.t._("Data as of {date}.", date=draft.t.date(c.retrieved_at)))


def _asked(draft: Draft, index: Index, u: Understanding) -> Commitment | None:
    """The commitment a question is about; None when the answer is that there is none to answer about: which
    one is meant, an id the data does not have, or a milestone the commitment does not have."""
    t = draft.t
    if u.commitment is None:
        if u.candidates:
            candidates(draft, index, u)
        elif u.entities.unknown_ids:
            unknown_commitment(draft, u.entities.unknown_ids[0], index)
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


def unknown_commitment(draft: Draft, commitment_id: str, index: Index | None = None) -> None:
    """An id the data does not have, in words every front end understands. A well-formed id of a member: that the
    data lacks it (not that it is malformed: OGP may well have it), how fresh the data is, and where its OGP page
    would be. An id whose prefix no member has: that. Anything else: how ids look."""
    t = draft.t
    cid = _normal_id(commitment_id)
    if cid is None:
        draft.add(t._("I do not know commitment {id}. Ids look like FR0038. To find a commitment by its subject, "
                      "ask for example “commitments about open data”.", id=commitment_id))
        return
    member = index.member_of_id(cid) if index is not None else _member_of_id(cid)
    if member is None:
        draft.add(t._("No OGP member I know of has the prefix {prefix}, so I have no commitment {id}. Commitment ids "
                      "start with their member's letters, like FR0038 for France.", prefix=_prefix(cid), id=cid))
        return
    draft.add(_not_in_my_data(draft, index, cid, member))
    site = index.site if index is not None else DEFAULT_OGP_BASE_URL
    draft.add(t._("Its OGP page would be: {url}", url=f"{site}/members/{member}/commitments/{cid}/"))
    draft.add(t._("To find a commitment by its subject, ask for example “commitments about open data”."))


def _not_in_my_data(draft: Draft, index: Index | None, cid: str, member: str) -> str:
    """'I don't have FR0101 in my data (last refresh: …).': the member's newest retrieval, else the data's. Without
    the index (an id given by a button or command) only what is sure: the data lacks it."""
    t = draft.t
    if index is None:
        return t._("I don't have {id} in my data.", id=cid)
    has_member = member in index.member_mask
    span = index.member_retrieved.get(member) or index.retrieved
    day = t.date(span.last) if span else None
    if has_member and day:
        return t._("I don't have {id} in my data (last refresh: {date}).", id=cid, date=day)
    if has_member:
        return t._("I don't have {id} in my data.", id=cid)
    name = _member_label(draft, index, member)
    if day:
        return t._("I don't have {id} in my data: I have no commitments of {member} (last refresh: {date}).", id=cid,
                   member=name, date=day)
    return t._("I don't have {id} in my data: I have no commitments of {member}.", id=cid, member=name)


def _normal_id(text: str) -> str | None:
    """'fr-101', 'FR 0101' → 'FR0101'; None for what is no id."""
    match = _WRITTEN_ID.match(text.strip())
    return f"{match.group(1).upper()}{int(match.group(2)):04d}" if match else None


def _prefix(commitment_id: str) -> str:
    parts = split_id(commitment_id)
    return parts[0] if parts else commitment_id


def _member_of_id(commitment_id: str) -> str | None:
    known = members().for_commitment(commitment_id)
    return known.id if known else None


def _member_label(draft: Draft, index: Index, member_id: str) -> str:
    record = index.members.get(member_id)
    known = members().get(member_id)
    names = record.name if record else known.name if known else {}
    return draft.text_of(names) or member_id


def candidates(draft: Draft, index: Index, u: Understanding) -> None:
    t = draft.t
    draft.add(t._("Several commitments match. Which one do you mean?"))
    for cid in u.candidates:
        c = index.commitments[cid]
        plan = plan_title(draft, index, c)
        draft.add(f"{cid} — {draft.text_of(c.title)}" + (f" ({plan})" if plan else ""))
        draft.buttons.append(Button(f"{cid} — {draft.text_of(c.title)}"[:60], "overview", (cid,)))
