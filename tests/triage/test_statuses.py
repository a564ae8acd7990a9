"""Statuses: the defaults, moving an idea with a kept history, what a status freezes, and the admin's changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.core.models import utcnow
from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas import services as ideas
from portal.ideas.models import Idea
from portal.ideas.queries import timeline
from portal.moderation.services import set_comments_locked
from portal.triage import statuses
from portal.triage.models import Status, StatusChange, StatusKind
from portal.triage.services import assign
from tests.factories import make_comment, make_idea, make_prototype, make_user


def _fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def _defaults() -> None:
    # The migration installs the defaults, but the tables are emptied between tests: put them back.
    statuses.initial_status()
    db.session.commit()


def _status(name: str) -> Status:
    _defaults()
    status = statuses.status_by_name(name)
    assert status is not None, name
    return status


def _audit(action: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt))


def _changes(idea_id: int) -> list[StatusChange]:
    return list(db.session.scalars(select(StatusChange).where(StatusChange.idea_id == idea_id)
                                   .order_by(StatusChange.id)))


# the defaults ----------------------------------------------------------------------------------------------


def test_the_seven_default_statuses_are_installed_with_their_kinds(ctx):
    statuses.initial_status()

    installed = [(s.name, s.kind, s.is_initial, s.retired) for s in statuses.ordered_statuses()]

    assert installed == [
        ("New", "open", True, False),
        ("Under review", "open", False, False),
        ("Planned", "planned", False, False),
        ("In progress", "active", False, False),
        ("Shipped", "done", False, False),
        ("Declined", "closed", False, False),
        ("Duplicate", "closed", False, False),
    ]


def test_a_new_idea_starts_in_the_initial_status_new(ctx):
    idea = make_idea()

    assert idea.status.name == "New"
    assert idea.status.is_initial
    assert _changes(idea.id) == []


def test_installing_the_defaults_twice_keeps_one_set(ctx):
    first = statuses.initial_status()
    second = statuses.initial_status()

    assert first.id == second.id
    assert db.session.scalar(select(func.count()).select_from(Status)) == 7


def test_only_done_and_closed_kinds_freeze_voting():
    assert {k.value for k in StatusKind if k.freezes_voting} == {"done", "closed"}


# set_status ------------------------------------------------------------------------------------------------


def test_every_status_change_is_kept_with_who_from_to_note_and_when(ctx):
    designer = make_user("designer")
    idea = make_idea()
    new, review, planned = _status("New"), _status("Under review"), _status("Planned")
    start = utcnow() - timedelta(seconds=1)

    statuses.set_status(designer, idea, review)
    statuses.set_status(designer, idea, planned, "We're building this into the pilot batch")

    changes = _changes(idea.id)
    assert [(c.actor_id, c.from_status_id, c.to_status_id, c.note) for c in changes] == [
        (designer.id, new.id, review.id, ""),
        (designer.id, review.id, planned.id, "We're building this into the pilot batch"),
    ]
    assert all(start <= c.created_at <= utcnow() + timedelta(seconds=1) for c in changes)
    assert changes[0].created_at <= changes[1].created_at
    assert _fresh(Idea, idea.id).status_id == planned.id


def test_a_note_on_the_same_status_is_kept_too(ctx):
    designer = make_user("designer")
    idea = make_idea()
    new = _status("New")

    statuses.set_status(designer, idea, new, "Still collecting feedback on this one.")

    (change,) = _changes(idea.id)
    assert (change.from_status_id, change.to_status_id, change.note) == (new.id, new.id,
                                                                        "Still collecting feedback on this one.")


def test_setting_the_same_status_without_a_note_records_nothing(ctx):
    designer = make_user("designer")
    idea = make_idea()

    assert statuses.set_status(designer, idea, _status("New")) is None

    assert _changes(idea.id) == []
    assert _audit("idea.status") == []


def test_the_status_note_is_rendered_from_markdown_and_sanitized(ctx):
    designer = make_user("designer")
    idea = make_idea()

    change = statuses.set_status(designer, idea, _status("Planned"),
                                 "We're **building** it <script>alert(1)</script> [x](javascript:alert(1))")

    saved = _fresh(StatusChange, change.id)
    assert "<strong>building</strong>" in saved.note_html
    assert "<script" not in saved.note_html
    assert "javascript:" not in saved.note_html
    assert saved.note.startswith("We're **building**")


def test_an_unacceptable_note_is_rejected_and_nothing_changes(ctx):
    designer = make_user("designer")
    idea = make_idea()

    with pytest.raises(ValidationError):
        statuses.set_status(designer, idea, _status("Planned"), "x" * 5001)

    db.session.rollback()
    assert _fresh(Idea, idea.id).status.name == "New"
    assert _changes(idea.id) == []
    assert _audit() == []


def test_the_timeline_interleaves_status_changes_with_comments_by_time(ctx):
    designer = make_user("designer")
    customer = make_user()
    idea = make_idea()

    make_comment(customer, idea, "First!")
    statuses.set_status(designer, idea, _status("Planned"), "Coming soon")
    make_comment(customer, idea, "Great news")

    entries = timeline(_fresh(Idea, idea.id), customer)
    assert [("comment", e.comment.body) if e.comment else ("change", e.change.note) for e in entries] == [
        ("comment", "First!"), ("change", "Coming soon"), ("comment", "Great news"),
    ]


def test_a_retired_status_cannot_be_chosen(ctx):
    admin = make_user("admin")
    idea = make_idea()
    declined = _status("Declined")
    statuses.set_status_retired(admin, declined, True)

    with pytest.raises(ValidationError) as info:
        statuses.set_status(admin, idea, declined)

    assert "status" in info.value.errors
    db.session.rollback()
    assert _fresh(Idea, idea.id).status.name == "New"
    assert _changes(idea.id) == []
    assert _audit("idea.status") == []


def test_a_retired_status_stays_valid_for_the_ideas_that_have_it(ctx):
    admin = make_user("admin")
    idea = make_idea()
    review = _status("Under review")
    statuses.set_status(admin, idea, review)
    statuses.set_status_retired(admin, review, True)

    statuses.set_status(admin, idea, review, "Still looking at it.")

    saved = _fresh(Idea, idea.id)
    assert saved.status_id == review.id
    assert [c.note for c in _changes(idea.id)] == ["", "Still looking at it."]


def test_a_done_status_can_name_the_prototype_it_shipped_in(ctx):
    designer = make_user("designer")
    idea = make_idea()
    pilot = make_prototype(name="Pilot batch")

    change = statuses.set_status(designer, idea, _status("Shipped"), "Out now", shipped_in=pilot)

    assert _fresh(StatusChange, change.id).shipped_in_id == pilot.id
    assert _fresh(Idea, idea.id).shipped_in_id == pilot.id


@pytest.mark.parametrize("name", ["New", "Under review", "Planned", "In progress", "Declined", "Duplicate"])
def test_only_a_done_status_can_name_a_shipped_in_prototype(ctx, name):
    designer = make_user("designer")
    idea = make_idea()

    with pytest.raises(ValidationError) as info:
        statuses.set_status(designer, idea, _status(name), shipped_in=make_prototype())

    assert "shipped_in" in info.value.errors
    db.session.rollback()
    assert _fresh(Idea, idea.id).shipped_in_id is None
    assert _changes(idea.id) == []


def test_leaving_a_done_status_forgets_the_shipped_in_prototype(ctx):
    designer = make_user("designer")
    idea = make_idea()
    statuses.set_status(designer, idea, _status("Shipped"), shipped_in=make_prototype())

    statuses.set_status(designer, idea, _status("In progress"), "Rolled back, sorry")

    assert _fresh(Idea, idea.id).shipped_in_id is None


# what a status freezes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Shipped", "Declined", "Duplicate"])
def test_done_and_closed_statuses_freeze_voting_but_not_comments(ctx, name):
    designer = make_user("designer")
    customer = make_user()
    voter = make_user()
    idea = make_idea()
    ideas.cast_vote(voter, idea)
    statuses.set_status(designer, idea, _status(name))
    idea = _fresh(Idea, idea.id)

    with pytest.raises(PermissionDenied):
        ideas.cast_vote(customer, idea)
    with pytest.raises(PermissionDenied):
        ideas.remove_vote(voter, idea)
    ideas.add_comment(customer, idea, "Thanks for the update")

    saved = _fresh(Idea, idea.id)
    assert saved.vote_count == 2
    assert saved.comment_count == 1


@pytest.mark.parametrize("name", ["New", "Under review", "Planned", "In progress"])
def test_open_planned_and_active_statuses_keep_voting_open(ctx, name):
    designer = make_user("designer")
    customer = make_user()
    idea = make_idea()
    statuses.set_status(designer, idea, _status(name), "note")

    assert ideas.cast_vote(customer, _fresh(Idea, idea.id)) == 2


def test_reopening_a_declined_idea_opens_voting_again(ctx):
    designer = make_user("designer")
    customer = make_user()
    idea = make_idea()
    statuses.set_status(designer, idea, _status("Declined"))

    statuses.set_status(designer, _fresh(Idea, idea.id), _status("Under review"))

    assert ideas.cast_vote(customer, _fresh(Idea, idea.id)) == 2


@pytest.mark.parametrize("role", ["developer", "designer", "admin"])
def test_locked_comments_block_customers_but_not_the_team(ctx, role):
    designer = make_user("designer")
    customer = make_user()
    member = make_user(role)
    idea = make_idea(author=customer)
    set_comments_locked(designer, idea, True)
    idea = _fresh(Idea, idea.id)

    with pytest.raises(PermissionDenied):
        ideas.add_comment(customer, idea, "Me too")
    ideas.add_comment(member, idea, "We've heard you; closing the thread.")

    assert _fresh(Idea, idea.id).comment_count == 1


def test_unlocking_comments_lets_customers_comment_again(ctx):
    designer = make_user("designer")
    customer = make_user()
    idea = make_idea()
    set_comments_locked(designer, idea, True)
    set_comments_locked(designer, _fresh(Idea, idea.id), False)

    ideas.add_comment(customer, _fresh(Idea, idea.id), "Back again")

    assert _fresh(Idea, idea.id).comment_count == 1


# who may move an idea ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["designer", "admin"])
def test_designers_and_admins_move_any_idea_to_any_status(ctx, role):
    member = make_user(role)
    idea = make_idea()

    for name in ["Under review", "Planned", "In progress", "Shipped", "Declined", "New"]:
        statuses.set_status(member, _fresh(Idea, idea.id), _status(name))

    assert len(_changes(idea.id)) == 6


def _assigned_to_developer(start: str):
    designer = make_user("designer")
    developer = make_user("developer")
    idea = make_idea()
    if start != "New":
        statuses.set_status(designer, idea, _status(start))
    assign(designer, _fresh(Idea, idea.id), developer)
    return developer, _fresh(Idea, idea.id)


@pytest.mark.parametrize(("start", "target"), [
    ("Planned", "In progress"), ("In progress", "Shipped"), ("Planned", "Shipped"), ("Shipped", "In progress"),
    ("In progress", "Planned"),
])
def test_a_developer_moves_ideas_assigned_to_them_between_delivery_statuses(ctx, start, target):
    developer, idea = _assigned_to_developer(start)

    statuses.set_status(developer, idea, _status(target), "Progress report")

    assert _fresh(Idea, idea.id).status.name == target
    assert _changes(idea.id)[-1].actor_id == developer.id


@pytest.mark.parametrize(("start", "target"), [
    ("New", "Planned"), ("Under review", "In progress"), ("Planned", "Declined"), ("In progress", "Duplicate"),
    ("Shipped", "New"), ("Planned", "Under review"),
])
def test_a_developer_cannot_leave_or_enter_open_and_closed_statuses(ctx, start, target):
    developer, idea = _assigned_to_developer(start)
    before = len(_changes(idea.id))
    audit_before = len(_audit())

    with pytest.raises(PermissionDenied):
        statuses.set_status(developer, idea, _status(target))

    assert _fresh(Idea, idea.id).status.name == start
    assert len(_changes(idea.id)) == before
    assert len(_audit()) == audit_before


def test_a_developer_cannot_move_an_idea_assigned_to_someone_else(ctx):
    designer = make_user("designer")
    developer = make_user("developer")
    idea = make_idea()
    statuses.set_status(designer, idea, _status("Planned"))
    assign(designer, _fresh(Idea, idea.id), make_user("developer"))

    with pytest.raises(PermissionDenied):
        statuses.set_status(developer, _fresh(Idea, idea.id), _status("In progress"))

    assert _fresh(Idea, idea.id).status.name == "Planned"


def test_a_developer_cannot_move_an_unassigned_idea(ctx):
    designer = make_user("designer")
    developer = make_user("developer")
    idea = make_idea()
    statuses.set_status(designer, idea, _status("Planned"))

    with pytest.raises(PermissionDenied):
        statuses.set_status(developer, _fresh(Idea, idea.id), _status("In progress"))


def test_customers_cannot_change_a_status_even_on_their_own_idea(ctx):
    customer = make_user()
    idea = make_idea(author=customer)

    with pytest.raises(PermissionDenied):
        statuses.set_status(customer, idea, _status("Planned"), "I planned it myself")

    assert _fresh(Idea, idea.id).status.name == "New"
    assert _changes(idea.id) == []
    assert _audit() == []


def test_a_banned_designer_cannot_change_a_status(ctx):
    from portal.moderation.services import ban_user

    designer = make_user("designer")
    ban_user(make_user("admin"), designer, "Left the company")
    idea = make_idea()

    with pytest.raises(PermissionDenied):
        statuses.set_status(_fresh(type(designer), designer.id), idea, _status("Planned"))


def test_a_status_change_is_audited_with_before_and_after(ctx):
    designer = make_user("designer")
    idea = make_idea()
    pilot = make_prototype(name="Pilot")

    statuses.set_status(designer, idea, _status("Shipped"), "Done", shipped_in=pilot)

    (entry,) = _audit("idea.status")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (designer.id, "idea", idea.id)
    assert entry.before == {"status": "New"}
    assert entry.after == {"status": "Shipped", "note": "Done", "shipped_in": "Pilot"}


# the admin's status management ---------------------------------------------------------------------------------


def test_an_admin_adds_a_status_at_the_end_of_the_list(ctx):
    admin = make_user("admin")
    _defaults()

    status = statuses.save_status(admin, None, name="  Needs   research ", color="#AABBCC", kind="open")

    saved = _fresh(Status, status.id)
    assert (saved.name, saved.color, saved.kind, saved.retired) == ("Needs research", "#aabbcc", "open", False)
    assert statuses.ordered_statuses()[-1].id == status.id
    (entry,) = _audit("status.save")
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.before) == (admin.id, "status", status.id, None)
    assert entry.after == {"name": "Needs research", "color": "#aabbcc", "kind": "open"}


def test_an_admin_renames_recolours_and_rekinds_a_status(ctx):
    admin = make_user("admin")
    review = _status("Under review")

    statuses.save_status(admin, review, name="Triaged", color="#123456", kind="planned")

    saved = _fresh(Status, review.id)
    assert (saved.name, saved.color, saved.kind) == ("Triaged", "#123456", "planned")
    (entry,) = _audit("status.save")
    assert entry.before == {"name": "Under review", "color": "#0e7490", "kind": "open"}
    assert entry.after == {"name": "Triaged", "color": "#123456", "kind": "planned"}


def test_saving_a_status_under_its_own_name_is_allowed(ctx):
    admin = make_user("admin")
    planned = _status("Planned")

    statuses.save_status(admin, planned, name="Planned", color="#000000", kind="planned")

    assert _fresh(Status, planned.id).color == "#000000"


@pytest.mark.parametrize("name", ["Planned", "planned", "  PLANNED "])
def test_a_duplicate_status_name_is_rejected(ctx, name):
    admin = make_user("admin")
    review = _status("Under review")

    with pytest.raises(ValidationError) as info:
        statuses.save_status(admin, None, name=name, color="#123456", kind="open")
    with pytest.raises(ValidationError):
        statuses.save_status(admin, review, name=name, color="#123456", kind="open")

    assert "name" in info.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Status)) == 7
    assert _fresh(Status, review.id).name == "Under review"
    assert _audit() == []


@pytest.mark.parametrize(("fields", "error"), [
    ({"name": "X", "color": "#123456", "kind": "open"}, "name"),
    ({"name": "Later", "color": "red", "kind": "open"}, "color"),
    ({"name": "Later", "color": "#123456", "kind": "someday"}, "kind"),
])
def test_an_invalid_status_is_rejected(ctx, fields, error):
    admin = make_user("admin")
    _defaults()

    with pytest.raises(ValidationError) as info:
        statuses.save_status(admin, None, **fields)

    assert error in info.value.errors
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Status)) == 7
    assert _audit() == []


@pytest.mark.parametrize("role", ["customer", "developer", "designer"])
def test_only_admins_manage_statuses(ctx, role):
    actor = make_user(role)
    planned = _status("Planned")
    new = _status("New")
    unused = statuses.save_status(make_user("admin"), None, name="Someday", color="#123456", kind="open")
    audit_before = len(_audit())

    with pytest.raises(PermissionDenied):
        statuses.save_status(actor, None, name="Later", color="#123456", kind="open")
    with pytest.raises(PermissionDenied):
        statuses.save_status(actor, planned, name="Renamed", color="#123456", kind="open")
    with pytest.raises(PermissionDenied):
        statuses.move_status(actor, planned, -1)
    with pytest.raises(PermissionDenied):
        statuses.set_status_retired(actor, planned, True)
    with pytest.raises(PermissionDenied):
        statuses.delete_status(actor, unused)

    db.session.rollback()
    assert [s.name for s in statuses.ordered_statuses()][:3] == [new.name, "Under review", "Planned"]
    assert not _fresh(Status, planned.id).retired
    assert _fresh(Status, unused.id) is not None
    assert len(_audit()) == audit_before


def test_an_admin_reorders_statuses(ctx):
    admin = make_user("admin")
    planned = _status("Planned")

    statuses.move_status(admin, planned, -1)
    assert [s.name for s in statuses.ordered_statuses()][:3] == ["New", "Planned", "Under review"]
    statuses.move_status(admin, _fresh(Status, planned.id), +1)
    statuses.move_status(admin, _fresh(Status, planned.id), +1)

    names = [s.name for s in statuses.ordered_statuses()]
    assert names == ["New", "Under review", "In progress", "Planned", "Shipped", "Declined", "Duplicate"]
    assert [s.position for s in statuses.ordered_statuses()] == list(range(7))
    assert [e.target_id for e in _audit("status.move")] == [planned.id] * 3


def test_moving_the_first_status_up_or_the_last_down_changes_nothing(ctx):
    admin = make_user("admin")
    new, duplicate = _status("New"), _status("Duplicate")
    before = [s.name for s in statuses.ordered_statuses()]

    statuses.move_status(admin, new, -1)
    statuses.move_status(admin, duplicate, +1)

    assert [s.name for s in statuses.ordered_statuses()] == before
    assert _audit("status.move") == []


def test_an_admin_retires_a_status_and_brings_it_back(ctx):
    admin = make_user("admin")
    declined = _status("Declined")

    statuses.set_status_retired(admin, declined, True)
    assert _fresh(Status, declined.id).retired
    assert declined.id not in [s.id for s in statuses.ordered_statuses(include_retired=False)]
    statuses.set_status_retired(admin, _fresh(Status, declined.id), False)

    assert not _fresh(Status, declined.id).retired
    assert [(e.action, e.target_id) for e in _audit()] == [("status.retire", declined.id),
                                                           ("status.unretire", declined.id)]


def test_the_initial_status_cannot_be_retired(ctx):
    admin = make_user("admin")
    new = _status("New")

    with pytest.raises(ValidationError):
        statuses.set_status_retired(admin, new, True)

    db.session.rollback()
    assert not _fresh(Status, new.id).retired
    assert _audit() == []


def test_an_unused_status_can_be_deleted_and_the_list_closes_up(ctx):
    admin = make_user("admin")
    planned = _status("Planned")
    planned_id = planned.id

    statuses.delete_status(admin, planned)

    assert _fresh(Status, planned_id) is None
    listed = statuses.ordered_statuses()
    assert "Planned" not in [s.name for s in listed]
    assert [s.position for s in listed] == list(range(6))
    (entry,) = _audit("status.delete")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (admin.id, "status", planned_id)
    assert entry.before == {"name": "Planned", "kind": "planned"}


def test_a_status_an_idea_has_cannot_be_deleted_only_retired(ctx):
    admin = make_user("admin")
    idea = make_idea()
    planned = _status("Planned")
    statuses.set_status(admin, idea, planned)

    with pytest.raises(ValidationError):
        statuses.delete_status(admin, planned)

    db.session.rollback()
    assert _fresh(Status, planned.id) is not None
    assert _audit("status.delete") == []
    statuses.set_status_retired(admin, _fresh(Status, planned.id), True)
    assert _fresh(Idea, idea.id).status_id == planned.id


def test_a_status_only_the_history_mentions_cannot_be_deleted(ctx):
    admin = make_user("admin")
    idea = make_idea()
    planned = _status("Planned")
    statuses.set_status(admin, idea, planned)
    statuses.set_status(admin, _fresh(Idea, idea.id), _status("In progress"))

    with pytest.raises(ValidationError):
        statuses.delete_status(admin, _fresh(Status, planned.id))

    db.session.rollback()
    assert _fresh(Status, planned.id) is not None


def test_the_initial_status_cannot_be_deleted_even_when_unused(ctx):
    admin = make_user("admin")
    new = _status("New")

    with pytest.raises(ValidationError):
        statuses.delete_status(admin, new)

    db.session.rollback()
    assert _fresh(Status, new.id) is not None
    assert _audit() == []
