"""Followers and their alerts, without Telegram (bot.services.followers, bot.services.alerts), on SQLite and PostgreSQL:
one alert per changed commitment whatever the ways a user follows it, markers that make every pass (and every
replica) safe to run again, digests on their slot and never empty, blocked users suspended, the outbox claimed once."""

from __future__ import annotations

import copy
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from bot.dataset.diff import CommitmentChange, FieldChange
from bot.dataset.load import apply
from bot.dataset.reader import validate_dataset
from bot.services import alerts
from bot.services.chatstate import ChatStore
from bot.services.followers import FollowStore, Target
from bot.storage.models import AlertLog

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
ANA, BEN, CHLOE = 101, 102, 103


def _data(**irm: str) -> dict[str, Any]:
    """Three commitments of two members; `irm` sets completions, e.g. TL0001="substantial"."""
    def commitment(cid: str, member: str, plan: str, area: str, title: str) -> dict[str, Any]:
        return {"id": cid, "member": member, "action_plan": plan, "number": cid[-1],
                "title": {"en": title, "fr": f"{title} (fr)"}, "policy_areas": [area],
                "irm": {"completion": irm.get(cid, "limited")}}

    return {"format": "ogp-bot-dataset", "format_version": 1,
            "members": [{"id": "testland", "name": {"en": "Testland", "fr": "Testlande"}},
                        {"id": "otherland", "name": {"en": "Otherland"}}],
            "action_plans": [{"id": "testland-2020-2022", "member": "testland", "title": {"en": "Testland 2020-2022"},
                              "start_year": 2020, "end_year": 2022},
                             {"id": "otherland-2019-2021", "member": "otherland", "title": {"en": "Otherland plan"},
                              "start_year": 2019, "end_year": 2021}],
            "policy_areas": [],
            "commitments": [commitment("TL0001", "testland", "testland-2020-2022", "open_data", "Open budgets"),
                            commitment("TL0002", "testland", "testland-2020-2022", "access_to_information",
                                       "Right to know"),
                            commitment("OL0001", "otherland", "otherland-2019-2021", "open_data", "Open contracts")]}


def _load(engine: Engine, data: dict[str, Any]) -> None:
    apply(engine, validate_dataset(data, "test"), actor="tests", mode="replace")


def _queued(engine: Engine, user_id: int) -> list[AlertLog]:
    return alerts.alerts_of(engine, user_id)


def test_one_alert_per_user_and_changed_commitment_whatever_the_ways_they_follow_it(engine: Engine) -> None:
    _load(engine, _data())
    store = FollowStore(engine)
    store.follow(ANA, Target("commitment", "TL0001"), "now", "en", T0)
    store.follow(ANA, Target("member", "testland"), "now", "en", T0)
    store.follow(ANA, Target("policy_area", "open_data"), "now", "en", T0)
    store.follow(BEN, Target("action_plan", "otherland-2019-2021"), "now", "fr", T0)
    store.follow(CHLOE, Target("commitment", "TL0002"), "now", "en", T0)
    assert alerts.plan(engine, T0) == 0  # nothing changed since they followed
    _load(engine, _data(TL0001="substantial", OL0001="complete"))
    assert alerts.plan(engine, T0) == 2
    [ana] = _queued(engine, ANA)
    assert ana.text.count("TL0001 — Open budgets") == 1 and "OL0001 — Open contracts" in ana.text  # via open_data
    assert "• completion: limited → substantial" in ana.text and "• completion: limited → complete" in ana.text
    assert sorted(pair[1] for pair in ana.items) == ["OL0001", "TL0001"]
    assert [label for _, label in ana.buttons] == ["Unfollow TL0001", "Unfollow Open Data", "Unfollow Testland"]
    [ben] = _queued(engine, BEN)
    assert ben.lang == "fr" and "OL0001" in ben.text and "TL0001" not in ben.text
    assert _queued(engine, CHLOE) == []
    assert alerts.plan(engine, T0) == 0  # markers moved: a second pass (or replica) queues nothing


def test_two_replicas_planning_at_once_queue_each_alert_once(engine: Engine) -> None:
    _load(engine, _data())
    store = FollowStore(engine)
    users = list(range(200, 240))
    for user in users:
        store.follow(user, Target("member", "testland"), "now", "en", T0)
    _load(engine, _data(TL0002="complete"))
    counts: list[int] = []
    start = threading.Barrier(3)

    def replica() -> None:
        start.wait()
        counts.append(alerts.plan(engine, T0))

    threads = [threading.Thread(target=replica) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(counts) == len(users)
    assert all(len(_queued(engine, user)) == 1 for user in users)


def test_digests_wait_for_their_slot_never_repeat_and_are_never_empty(engine: Engine) -> None:
    _load(engine, _data())
    store = FollowStore(engine)
    store.follow(ANA, Target("member", "testland"), "daily", "en", T0)
    store.follow(ANA, Target("commitment", "TL0001"), "now", "en", T0)
    store.follow(BEN, Target("policy_area", "open_data"), "weekly", "en", T0)
    _load(engine, _data(TL0001="substantial"))
    assert alerts.plan(engine, T0 + timedelta(hours=1)) == 1  # Ana's instant alert; the digests are not due
    assert [c for _, c in _queued(engine, ANA)[0].items] == ["TL0001"]
    _load(engine, _data(TL0001="substantial", TL0002="complete"))
    assert alerts.plan(engine, T0 + timedelta(hours=2)) == 0  # TL0002 is followed through Testland, daily
    assert alerts.plan(engine, T0 + timedelta(days=1)) == 1  # the daily digest is due: TL0002 only, once
    digest = _queued(engine, ANA)[-1]
    assert digest.rhythm == "daily" and digest.text.startswith("Your daily digest")
    assert [c for _, c in digest.items] == ["TL0002"]  # TL0001 was already told at once
    assert alerts.plan(engine, T0 + timedelta(days=2, minutes=1)) == 0  # nothing new: no empty digest
    assert alerts.plan(engine, T0 + timedelta(days=6)) == 0  # Ben's weekly one is not due yet
    assert alerts.plan(engine, T0 + timedelta(days=7)) == 1
    weekly = _queued(engine, BEN)[-1]
    assert weekly.rhythm == "weekly" and [c for _, c in weekly.items] == ["TL0001"]
    assert alerts.plan(engine, T0 + timedelta(days=14)) == 0


def test_removed_commitments_reach_followers_of_their_member_plan_and_area(engine: Engine) -> None:
    _load(engine, _data())
    store = FollowStore(engine)
    store.follow(ANA, Target("policy_area", "open_data"), "now", "en", T0)
    store.follow(BEN, Target("action_plan", "otherland-2019-2021"), "now", "en", T0)
    data = _data()
    data["commitments"] = [c for c in data["commitments"] if c["id"] != "OL0001"]
    data["members"], data["action_plans"] = data["members"][:1], data["action_plans"][:1]
    _load(engine, data)
    assert alerts.plan(engine, T0) == 2
    assert "OL0001\n• removed from the data" in _queued(engine, ANA)[0].text
    assert "OL0001" in _queued(engine, BEN)[0].text


def test_blocked_users_are_suspended_not_queued(engine: Engine) -> None:
    _load(engine, _data())
    FollowStore(engine).follow(ANA, Target("commitment", "TL0001"), "now", "en", T0)
    ChatStore(engine).set_blocked(ANA, True)
    _load(engine, _data(TL0001="complete"))
    assert alerts.plan(engine, T0) == 0 and _queued(engine, ANA) == []
    ChatStore(engine).set_blocked(ANA, False)  # back: alerts resume with the next change, not the missed ones
    assert alerts.plan(engine, T0) == 0
    _load(engine, _data(TL0001="substantial"))
    assert alerts.plan(engine, T0) == 1 and "complete → substantial" in _queued(engine, ANA)[0].text


def test_the_outbox_is_claimed_once_and_retried_a_few_times(engine: Engine) -> None:
    _load(engine, _data())
    FollowStore(engine).follow(ANA, Target("commitment", "TL0001"), "now", "en", T0)
    _load(engine, _data(TL0001="complete"))
    alerts.plan(engine, T0)
    [claimed] = alerts.take_pending(engine)
    assert alerts.take_pending(engine) == []  # another replica finds nothing to send
    for _ in range(alerts.MAX_ATTEMPTS - 1):
        assert alerts.finish(engine, claimed.id, "retry") == "pending"
        [claimed] = alerts.take_pending(engine)
    assert alerts.finish(engine, claimed.id, "retry") == "failed"
    assert alerts.take_pending(engine) == []


def test_follows_are_per_user_and_following_again_changes_the_rhythm(engine: Engine) -> None:
    _load(engine, _data())
    store = FollowStore(engine)
    first, created = store.follow(ANA, Target("commitment", "TL0001"), "now", "en", T0)
    again, created_again = store.follow(ANA, Target("commitment", "TL0001"), "weekly", "en", T0)
    assert created and not created_again and again.id == first.id and again.rhythm == "weekly"
    assert store.unfollow_id(BEN, first.id) is None  # not Ben's to remove
    assert store.find(ANA, "tl0001") is not None
    assert store.unfollow(ANA, Target("commitment", "TL0001")) and store.following(ANA) == []


def _change(kind: str, *fields: tuple[str, Any, Any]) -> CommitmentChange:
    return CommitmentChange("TL0001", kind, [FieldChange(*f) for f in fields])


def test_changes_over_several_refreshes_merge_into_one() -> None:
    merged = alerts.merge([_change("changed", ("irm.completion", "limited", "substantial")),
                           _change("changed", ("irm.completion", "substantial", "complete"), ("end", None, "2022"))])
    assert merged is not None and merged.kind == "changed"
    assert [(f.field, f.before, f.after) for f in merged.fields] == [("end", None, "2022"),
                                                                      ("irm.completion", "limited", "complete")]
    assert alerts.merge([_change("changed", ("status", "a", "b")), _change("changed", ("status", "b", "a"))]) is None
    assert alerts.merge([_change("added"), _change("changed", ("status", "a", "b"))]).kind == "added"  # type: ignore[union-attr]
    assert alerts.merge([_change("added"), _change("removed")]) is None
    assert alerts.merge([_change("changed", ("status", "a", "b")), _change("removed")]).kind == "removed"  # type: ignore[union-attr]
    back = alerts.merge([_change("removed"), copy.deepcopy(_change("added"))])
    assert back is not None and back.kind == "changed"
