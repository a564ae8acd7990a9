"""The audit log: every triage, moderation and admin action records actor, action, target, before and after, in the
very transaction that makes the change; a refused action records nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, event, func, select

from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.audit.services import record
from portal.core.models import utcnow
from portal.errors import PermissionDenied
from portal.extensions import db
from portal.ideas import services as ideas
from portal.ideas.models import Comment, Idea
from portal.moderation import services as moderation
from portal.triage import services as triage
from portal.triage import statuses
from tests.factories import make_comment, make_idea, make_user


@dataclass
class Case:
    """One audited action: how to run it, and the entry (and database writes) it must leave behind."""

    run: Callable[[], Any]
    actor: User
    action: str
    target: tuple[str, int | None]
    before: dict | None
    after: dict | None
    writes: list[str] = field(default_factory=list)  # writes that must commit together with the entry
    also: set[str] = field(default_factory=set)  # other entries the action leaves, e.g. a merge's status change


def _status(name: str):
    statuses.initial_status()
    db.session.commit()
    return statuses.status_by_name(name)


def _fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def _role_change() -> Case:
    admin, person = make_user("admin"), make_user()
    return Case(lambda: accounts.set_role(admin, person, "developer"), admin, "user.role", ("user", person.id),
                {"role": "customer"}, {"role": "developer"}, ["update user"])


def _status_change() -> Case:
    designer, idea = make_user("designer"), make_idea()
    planned = _status("Planned")
    return Case(lambda: statuses.set_status(designer, idea, planned, "Soon"), designer, "idea.status",
                ("idea", idea.id), {"status": "New"}, {"status": "Planned", "note": "Soon", "shipped_in": None},
                ["insert into status_change", "update idea"])


def _tags() -> Case:
    designer, idea = make_user("designer"), make_idea()
    tag = triage.save_tag(designer, None, name="Battery", color="#123456", internal=False)
    return Case(lambda: triage.set_tags(designer, idea, [tag]), designer, "idea.tags", ("idea", idea.id),
                {"tags": []}, {"tags": ["Battery"]}, ["insert into idea_tag"])


def _assign() -> Case:
    designer, idea = make_user("designer"), make_idea()
    developer = make_user("developer", display_name="Dana Dev")
    return Case(lambda: triage.assign(designer, idea, developer), designer, "idea.assign", ("idea", idea.id),
                {"assignee": None}, {"assignee": "Dana Dev"}, ["update idea"])


def _merge() -> Case:
    designer, original, duplicate = make_user("designer"), make_idea(), make_idea()
    _status("Duplicate")
    return Case(lambda: triage.merge_ideas(designer, duplicate, original), designer, "idea.merge",
                ("idea", duplicate.id), None, {"original_id": original.id, "votes_moved": 1},
                ["update vote", "update idea", "insert into merge"], {"idea.status"})


def _unmerge() -> Case:
    designer, original, duplicate = make_user("designer"), make_idea(), make_idea()
    triage.merge_ideas(designer, duplicate, original)
    return Case(lambda: triage.unmerge_idea(designer, _fresh(Idea, duplicate.id)), designer, "idea.unmerge",
                ("idea", duplicate.id), {"original_id": original.id}, {"votes_restored": 1},
                ["update vote", "update idea", "update merge"], {"idea.status"})


def _on_behalf() -> Case:
    developer, idea = make_user("developer"), make_idea()
    return Case(lambda: triage.vote_on_behalf(developer, idea, email="caller@example.com", source="Support call"),
                developer, "vote.on_behalf", ("idea", idea.id), None,
                {"voter": "caller@example.com", "source": "Support call"},
                ["insert into user", "insert into vote", "update idea"])


def _hide_idea() -> Case:
    designer, idea = make_user("designer"), make_idea()
    return Case(lambda: moderation.hide_idea(designer, idea, "Spam links"), designer, "idea.hide",
                ("idea", idea.id), None, {"reason": "Spam links"}, ["update idea"])


def _restore_idea() -> Case:
    designer, idea = make_user("designer"), make_idea()
    moderation.hide_idea(designer, idea, "Spam links")
    return Case(lambda: moderation.restore_idea(designer, _fresh(Idea, idea.id)), designer, "idea.restore",
                ("idea", idea.id), {"reason": "Spam links"}, None, ["update idea"])


def _hide_comment() -> Case:
    developer = make_user("developer")
    comment = make_comment(make_user(), make_idea())
    return Case(lambda: moderation.hide_comment(developer, comment, "Rude"), developer, "comment.hide",
                ("comment", comment.id), None, {"reason": "Rude"}, ["update comment", "update idea"])


def _restore_comment() -> Case:
    developer = make_user("developer")
    comment = make_comment(make_user(), make_idea())
    moderation.hide_comment(developer, comment, "Rude")
    return Case(lambda: moderation.restore_comment(developer, _fresh(Comment, comment.id)), developer,
                "comment.restore", ("comment", comment.id), {"reason": "Rude"}, None,
                ["update comment", "update idea"])


def _lock() -> Case:
    designer, idea = make_user("designer"), make_idea()
    return Case(lambda: moderation.set_comments_locked(designer, idea, True), designer, "idea.lock",
                ("idea", idea.id), {"comments_locked": False}, {"comments_locked": True}, ["update idea"])


def _unlock() -> Case:
    designer, idea = make_user("designer"), make_idea()
    moderation.set_comments_locked(designer, idea, True)
    return Case(lambda: moderation.set_comments_locked(designer, _fresh(Idea, idea.id), False), designer,
                "idea.unlock", ("idea", idea.id), {"comments_locked": True}, {"comments_locked": False},
                ["update idea"])


def _ban() -> Case:
    admin, person = make_user("admin"), make_user()
    make_idea(author=person)
    return Case(lambda: moderation.ban_user(admin, person, "Abuse", hide_content=True), admin, "user.ban",
                ("user", person.id), None, {"reason": "Abuse", "hidden": 1}, ["update user", "update idea"])


def _unban() -> Case:
    admin, person = make_user("admin"), make_user()
    make_idea(author=person)
    moderation.ban_user(admin, person, "Abuse", hide_content=True)
    return Case(lambda: moderation.unban_user(admin, _fresh(User, person.id)), admin, "user.unban",
                ("user", person.id), {"reason": "Abuse"}, None, ["update user", "update idea"])


def _settings() -> Case:
    admin = make_user("admin")
    return Case(lambda: moderation.set_hold_first_posts(admin, True), admin, "settings.hold_first_posts",
                ("setting", None), {"hold_first_posts": False}, {"hold_first_posts": True}, ["insert into setting"])


def _approve_idea() -> Case:
    admin, designer = make_user("admin"), make_user("designer")
    moderation.set_hold_first_posts(admin, True)
    idea = make_idea()
    return Case(lambda: moderation.approve_idea(designer, _fresh(Idea, idea.id)), designer, "idea.approve",
                ("idea", idea.id), None, None, ["update idea"])


def _status_save() -> Case:
    admin = make_user("admin")
    review = _status("Under review")
    return Case(lambda: statuses.save_status(admin, review, name="Triaged", color="#0e7490", kind="open"), admin,
                "status.save", ("status", review.id), {"name": "Under review", "color": "#0e7490", "kind": "open"},
                {"name": "Triaged", "color": "#0e7490", "kind": "open"}, ["update status"])


def _status_retire() -> Case:
    admin = make_user("admin")
    declined = _status("Declined")
    return Case(lambda: statuses.set_status_retired(admin, declined, True), admin, "status.retire",
                ("status", declined.id), None, None, ["update status"])


def _internal_note() -> Case:
    developer, idea = make_user("developer"), make_idea()
    return Case(lambda: triage.add_internal_note(developer, idea, "Three deals hang on this"), developer,
                "idea.internal_note", ("idea", idea.id), None, None, ["insert into internal_note"])


CASES = {
    "role change": _role_change, "status": _status_change, "tags": _tags, "assign": _assign, "merge": _merge,
    "unmerge": _unmerge, "vote on behalf": _on_behalf, "hide idea": _hide_idea, "restore idea": _restore_idea,
    "hide comment": _hide_comment, "restore comment": _restore_comment, "lock": _lock, "unlock": _unlock,
    "ban": _ban, "unban": _unban, "settings": _settings, "approve": _approve_idea, "status save": _status_save,
    "status retire": _status_retire, "internal note": _internal_note,
}


@contextmanager
def _transactions() -> Iterator[list[dict]]:
    """Record the SQL writes of each database transaction, and whether it committed."""
    engine = db.engine
    transactions: list[dict] = []

    def on_begin(conn) -> None:
        transactions.append({"writes": [], "committed": False})

    def on_sql(conn, cursor, statement, *args) -> None:
        sql = " ".join(statement.replace('"', "").lower().split())
        if sql.startswith(("insert", "update", "delete")) and transactions:
            transactions[-1]["writes"].append(sql)

    def on_commit(conn) -> None:
        transactions[-1]["committed"] = True

    listeners = [("begin", on_begin), ("before_cursor_execute", on_sql), ("commit", on_commit)]
    for name, fn in listeners:
        event.listen(engine, name, fn)
    try:
        yield transactions
    finally:
        for name, fn in listeners:
            event.remove(engine, name, fn)


def _entries(action: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt))


@pytest.mark.parametrize("name", list(CASES))
def test_the_action_is_recorded_with_actor_target_before_and_after(ctx, name):
    case = CASES[name]()
    existing = {e.id for e in _entries()}
    start = utcnow() - timedelta(seconds=1)

    case.run()

    new = [e for e in _entries() if e.id not in existing]
    (entry,) = [e for e in new if e.action == case.action]
    assert {e.action for e in new if e is not entry} == case.also
    assert all(e.actor_id == case.actor.id for e in new)
    assert entry.action == case.action
    assert entry.actor_id == case.actor.id
    assert (entry.target_type, entry.target_id) == case.target
    assert (entry.before, entry.after) == (case.before, case.after)
    assert start <= entry.created_at <= utcnow() + timedelta(seconds=1)
    assert entry.summary


@pytest.mark.parametrize("name", list(CASES))
def test_the_entry_commits_in_the_same_transaction_as_the_change(ctx, name):
    case = CASES[name]()
    db.session.commit()
    db.session.expire_all()

    with _transactions() as transactions:
        case.run()

    with_entry = [t for t in transactions if any(w.startswith("insert into audit_entry") for w in t["writes"])]
    assert len(with_entry) == 1
    (transaction,) = with_entry
    assert transaction["committed"]
    for write in case.writes:
        assert any(w.startswith(write) for w in transaction["writes"]), (write, transaction["writes"])
    # Nothing the action changed was committed on its own, outside the audited transaction.
    others = [w for t in transactions if t is not transaction for w in t["writes"]]
    assert others == []


def test_an_action_that_fails_after_recording_leaves_no_entry(ctx, monkeypatch):
    designer, idea = make_user("designer"), make_idea()
    planned = _status("Planned")

    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(db.session, "commit", fail)
    with pytest.raises(RuntimeError):
        statuses.set_status(designer, idea, planned, "Soon")
    monkeypatch.undo()
    db.session.rollback()

    assert _entries() == []
    assert _fresh(Idea, idea.id).status.name == "New"


def _refusals() -> dict[str, Callable[[User], Any]]:
    idea, other = make_idea(), make_idea()
    comment = make_comment(make_user(), idea)
    planned = _status("Planned")
    tag = triage.save_tag(make_user("designer"), None, name="Battery", color="#123456", internal=False)
    person = make_user()
    db.session.execute(delete(AuditEntry))
    db.session.commit()
    return {
        "role": lambda actor: accounts.set_role(actor, person, "admin"),
        "status": lambda actor: statuses.set_status(actor, idea, planned, "Mine now"),
        "tags": lambda actor: triage.set_tags(actor, idea, [tag]),
        "assign": lambda actor: triage.assign(actor, idea, make_user("developer")),
        "merge": lambda actor: triage.merge_ideas(actor, other, idea),
        "on behalf": lambda actor: triage.vote_on_behalf(actor, idea, email="x@example.com", source="Call"),
        "hide": lambda actor: moderation.hide_idea(actor, idea, "Spam links"),
        "hide comment": lambda actor: moderation.hide_comment(actor, comment, "Rude"),
        "lock": lambda actor: moderation.set_comments_locked(actor, idea, True),
        "ban": lambda actor: moderation.ban_user(actor, person, "Abuse"),
        "settings": lambda actor: moderation.set_hold_first_posts(actor, True),
        "status admin": lambda actor: statuses.save_status(actor, planned, name="Soon", color="#123456",
                                                           kind="planned"),
    }


def test_a_customer_refused_every_action_leaves_no_entry(ctx):
    customer = make_user()
    refusals = _refusals()

    for name, attempt in refusals.items():
        with pytest.raises(PermissionDenied):
            attempt(customer)
        db.session.rollback()
        assert _entries() == [], name


def test_a_designer_refused_admin_actions_leaves_no_entry(ctx):
    designer = make_user("designer")
    refusals = _refusals()

    for name in ("role", "ban", "settings", "status admin"):
        with pytest.raises(PermissionDenied):
            refusals[name](designer)
        db.session.rollback()
        assert _entries() == [], name


def test_an_admin_banning_themselves_leaves_no_entry(ctx):
    admin = make_user("admin")

    with pytest.raises(PermissionDenied):
        moderation.ban_user(admin, admin, "Oops")

    db.session.rollback()
    assert _entries() == []


def test_an_entry_outlives_its_actor(ctx):
    actor = make_user("designer")
    idea = make_idea()
    moderation.set_comments_locked(actor, idea, True)

    db.session.delete(_fresh(User, actor.id))
    db.session.commit()

    (entry,) = _entries("idea.lock")
    assert entry.actor_id is None
    assert entry.target_id == idea.id


def test_record_commits_nothing_on_its_own(ctx):
    designer = make_user("designer")
    idea = make_idea()

    record(designer, "idea.test", idea, "x" * 400)
    db.session.rollback()

    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_long_summary_is_cut_to_fit(ctx):
    designer = make_user("designer")
    idea = make_idea()

    entry = record(designer, "idea.test", idea, "x" * 400)
    db.session.commit()

    assert len(_fresh(AuditEntry, entry.id).summary) == 300


def test_a_vote_by_a_customer_is_not_an_audited_action(ctx):
    idea = make_idea()

    ideas.cast_vote(make_user(), idea)

    assert _entries() == []
