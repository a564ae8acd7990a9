"""Tags, assignment, internal notes, votes on behalf and bulk changes, at the service level."""

from __future__ import annotations

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from portal.accounts import services as accounts
from portal.accounts.models import Guest, User
from portal.audit.models import AuditEntry
from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas import services as ideas
from portal.ideas.models import Idea, Vote
from portal.ideas.queries import idea_list, tag_for_viewer
from portal.moderation.services import ban_user
from portal.triage import services as triage
from portal.triage.models import InternalNote, Tag
from portal.triage.queries import tags_for_viewer, team_members, triage_panel
from portal.triage.statuses import initial_status, status_by_name
from tests.factories import make_idea, make_prototype, make_user

TEAM = ["developer", "designer", "admin"]


def _fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def _audit(action: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt))


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _listed(viewer, **filters) -> list[int]:
    return [i.id for i in db.session.scalars(idea_list(viewer=viewer, sort="new", **filters)).unique().all()]


def _tag(name: str = "Battery", internal: bool = False, color: str = "#2454d6") -> Tag:
    return triage.save_tag(make_user("designer"), None, name=name, color=color, internal=internal)


# tags ---------------------------------------------------------------------------------------------------------


def test_a_designer_creates_public_and_internal_tags(ctx):
    designer = make_user("designer")

    public = triage.save_tag(designer, None, name="  Battery  life ", color="#AA0000", internal=False)
    internal = triage.save_tag(designer, None, name="Churn risk", color="#00aa00", internal=True)

    assert (_fresh(Tag, public.id).name, public.color, public.internal) == ("Battery life", "#aa0000", False)
    assert (_fresh(Tag, internal.id).name, internal.internal) == ("Churn risk", True)
    assert [e.after for e in _audit("tag.save")] == [
        {"name": "Battery life", "color": "#aa0000", "internal": False},
        {"name": "Churn risk", "color": "#00aa00", "internal": True},
    ]


@pytest.mark.parametrize("name", ["Battery", "battery", " BATTERY "])
def test_a_duplicate_tag_name_is_rejected(ctx, name):
    designer = make_user("designer")
    _tag("Battery")

    with pytest.raises(ValidationError) as info:
        triage.save_tag(designer, None, name=name, color="#123456", internal=False)

    assert "name" in info.value.errors
    db.session.rollback()
    assert _count(Tag) == 1
    assert len(_audit("tag.save")) == 1


@pytest.mark.parametrize("role", ["customer", "developer"])
def test_customers_and_developers_cannot_create_or_apply_tags(ctx, role):
    actor = make_user(role)
    tag = _tag()
    idea = make_idea()

    with pytest.raises(PermissionDenied):
        triage.save_tag(actor, None, name="Mine", color="#123456", internal=False)
    with pytest.raises(PermissionDenied):
        triage.set_tags(actor, idea, [tag])
    with pytest.raises(PermissionDenied):
        triage.add_tag(actor, idea, tag)
    with pytest.raises(PermissionDenied):
        triage.delete_tag(actor, tag)

    db.session.rollback()
    assert _fresh(Idea, idea.id).tags == []
    assert _count(Tag) == 1
    assert len(_audit()) == 1


def test_set_tags_replaces_an_ideas_tags_and_is_audited(ctx):
    designer = make_user("designer")
    battery, speed, churn = _tag("Battery"), _tag("Speed"), _tag("Churn", internal=True)
    idea = make_idea()

    triage.set_tags(designer, idea, [speed, battery, battery])
    assert [t.name for t in _fresh(Idea, idea.id).tags] == ["Battery", "Speed"]
    triage.set_tags(designer, _fresh(Idea, idea.id), [churn])

    assert [t.name for t in _fresh(Idea, idea.id).tags] == ["Churn"]
    assert [(e.before, e.after) for e in _audit("idea.tags")] == [
        ({"tags": []}, {"tags": ["Battery", "Speed"]}),
        ({"tags": ["Battery", "Speed"]}, {"tags": ["Churn"]}),
    ]


def test_setting_the_same_tags_again_is_not_audited(ctx):
    designer = make_user("designer")
    tag = _tag()
    idea = make_idea()
    triage.set_tags(designer, idea, [tag])

    triage.set_tags(designer, _fresh(Idea, idea.id), [tag])
    triage.set_tags(designer, _fresh(Idea, idea.id), [tag, tag])
    triage.add_tag(designer, _fresh(Idea, idea.id), tag)

    assert len(_audit("idea.tags")) == 1
    assert [t.id for t in _fresh(Idea, idea.id).tags] == [tag.id]


def test_add_tag_adds_one_tag_and_keeps_the_others(ctx):
    designer = make_user("designer")
    battery, speed = _tag("Battery"), _tag("Speed")
    idea = make_idea()
    triage.set_tags(designer, idea, [battery])

    triage.add_tag(designer, _fresh(Idea, idea.id), speed)

    assert [t.name for t in _fresh(Idea, idea.id).tags] == ["Battery", "Speed"]


def test_deleting_a_tag_removes_it_from_ideas(ctx):
    designer = make_user("designer")
    tag = _tag()
    idea = make_idea()
    triage.set_tags(designer, idea, [tag])

    triage.delete_tag(designer, _fresh(Tag, tag.id))

    assert _fresh(Idea, idea.id).tags == []
    assert _audit("tag.delete")[0].before == {"name": "Battery"}


@pytest.mark.parametrize(("role", "sees_internal"), [
    ("guest", False), ("customer", False), ("developer", True), ("designer", True), ("admin", True),
])
def test_internal_tags_exist_only_for_the_team(ctx, role, sees_internal):
    viewer = Guest() if role == "guest" else make_user(role)
    public, internal = _tag("Battery"), _tag("Churn", internal=True)

    assert tag_for_viewer(str(public.id), viewer).id == public.id
    assert (tag_for_viewer(str(internal.id), viewer) is not None) is sees_internal
    names = [t.name for t in tags_for_viewer(viewer)]
    assert names == (["Battery", "Churn"] if sees_internal else ["Battery"])


@pytest.mark.parametrize("raw", [None, "", "abc", "-1", "1.5", "٣", "9" * 19, "999999"])
def test_a_tag_filter_that_names_no_tag_is_ignored(ctx, raw):
    _tag()

    assert tag_for_viewer(raw, make_user("designer")) is None


def test_lists_filter_by_tag(ctx):
    designer = make_user("designer")
    customer = make_user()
    battery, churn = _tag("Battery"), _tag("Churn", internal=True)
    prototype = make_prototype()
    tagged, internal_only, untagged = (make_idea(prototype=prototype) for _ in range(3))
    triage.set_tags(designer, tagged, [battery, churn])
    triage.set_tags(designer, internal_only, [churn])

    assert _listed(customer, tag_id=battery.id) == [tagged.id]
    assert _listed(designer, tag_id=churn.id) == [internal_only.id, tagged.id]
    assert _listed(customer) == [untagged.id, internal_only.id, tagged.id]
    # A customer naming the internal tag in the URL gets no filter at all, not the team's selection.
    assert tag_for_viewer(str(churn.id), customer) is None


# assignment ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assigner_role", ["designer", "admin"])
@pytest.mark.parametrize("assignee_role", TEAM)
def test_designers_and_admins_assign_an_idea_to_a_team_member(ctx, assigner_role, assignee_role):
    assigner = make_user(assigner_role)
    assignee = make_user(assignee_role, display_name="Dana Dev")
    idea = make_idea()

    triage.assign(assigner, idea, assignee)

    assert _fresh(Idea, idea.id).assignee_id == assignee.id
    (entry,) = _audit("idea.assign")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (assigner.id, "idea", idea.id)
    assert (entry.before, entry.after) == ({"assignee": None}, {"assignee": "Dana Dev"})


def test_an_idea_can_be_reassigned_and_unassigned(ctx):
    designer = make_user("designer")
    first, second = make_user("developer", display_name="First"), make_user("designer", display_name="Second")
    idea = make_idea()

    triage.assign(designer, idea, first)
    triage.assign(designer, _fresh(Idea, idea.id), second)
    triage.assign(designer, _fresh(Idea, idea.id), None)

    assert _fresh(Idea, idea.id).assignee_id is None
    assert [(e.before, e.after) for e in _audit("idea.assign")] == [
        ({"assignee": None}, {"assignee": "First"}),
        ({"assignee": "First"}, {"assignee": "Second"}),
        ({"assignee": "Second"}, {"assignee": None}),
    ]


def test_only_team_members_can_be_assigned(ctx):
    designer = make_user("designer")
    idea = make_idea()

    with pytest.raises(ValidationError) as info:
        triage.assign(designer, idea, make_user())

    assert "assignee" in info.value.errors
    db.session.rollback()
    assert _fresh(Idea, idea.id).assignee_id is None
    assert _audit("idea.assign") == []


def test_a_banned_team_member_cannot_be_assigned_or_listed(ctx):
    admin = make_user("admin")
    developer = make_user("developer")
    ban_user(admin, developer, "Left the company")
    idea = make_idea()

    with pytest.raises(ValidationError):
        triage.assign(admin, idea, _fresh(User, developer.id))

    assert developer.id not in [u.id for u in team_members()]


@pytest.mark.parametrize("role", ["customer", "developer"])
def test_customers_and_developers_cannot_assign(ctx, role):
    actor = make_user(role)
    idea = make_idea()

    with pytest.raises(PermissionDenied):
        triage.assign(actor, idea, make_user("developer"))
    with pytest.raises(PermissionDenied):
        triage.assign(actor, idea, actor)

    db.session.rollback()
    assert _fresh(Idea, idea.id).assignee_id is None
    assert _audit() == []


def test_team_members_are_the_people_who_can_be_assigned(ctx):
    team = [make_user(role) for role in TEAM]
    make_user("customer")

    assert sorted(u.id for u in team_members()) == sorted(u.id for u in team)


# internal notes ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", TEAM)
def test_team_members_write_internal_notes(ctx, role):
    member = make_user(role)
    idea = make_idea()

    note = triage.add_internal_note(member, idea, "Asked **sales**: three deals hang on this <script>x</script>")

    saved = _fresh(InternalNote, note.id)
    assert (saved.idea_id, saved.author_id) == (idea.id, member.id)
    assert "<strong>sales</strong>" in saved.body_html
    assert "<script" not in saved.body_html
    assert [(e.actor_id, e.target_id) for e in _audit("idea.internal_note")] == [(member.id, idea.id)]


def test_customers_cannot_write_internal_notes(ctx):
    customer = make_user()
    idea = make_idea(author=customer)

    with pytest.raises(PermissionDenied):
        triage.add_internal_note(customer, idea, "Let me in")

    assert _count(InternalNote) == 0
    assert _audit() == []


def test_an_empty_internal_note_is_rejected(ctx):
    with pytest.raises(ValidationError):
        triage.add_internal_note(make_user("designer"), make_idea(), "   ")

    db.session.rollback()
    assert _count(InternalNote) == 0


@pytest.mark.parametrize(("role", "sees"), [
    ("guest", False), ("customer", False), ("developer", True), ("designer", True), ("admin", True),
])
def test_internal_notes_and_on_behalf_votes_reach_only_the_team(ctx, role, sees):
    designer = make_user("designer")
    idea = make_idea()
    triage.add_internal_note(designer, idea, "Secret roadmap hint")
    triage.vote_on_behalf(designer, _fresh(Idea, idea.id), email="caller@example.com", source="Support call")
    viewer = Guest() if role == "guest" else make_user(role)

    panel = triage_panel(_fresh(Idea, idea.id), viewer)

    if sees:
        assert [n.body for n in panel["notes"]] == ["Secret roadmap hint"]
        assert [v.source for v in panel["on_behalf_votes"]] == ["Support call"]
    else:
        assert panel == {}


# votes on behalf ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", TEAM)
def test_a_vote_on_behalf_of_a_new_email_creates_a_contact_account(ctx, role):
    member = make_user(role)
    idea = make_idea()

    vote = triage.vote_on_behalf(member, idea, email="  Caller@Example.COM ", source="Support call #42")

    contact = db.session.scalar(select(User).where(User.email == "caller@example.com"))
    assert contact.is_contact and contact.role == "customer"
    assert not contact.is_active
    saved = _fresh(Vote, vote.id)
    assert (saved.idea_id, saved.user_id, saved.on_behalf_by_id, saved.source) == (
        idea.id, contact.id, member.id, "Support call #42")
    assert _fresh(Idea, idea.id).vote_count == 2 == _count(Vote, Vote.idea_id == idea.id)
    (entry,) = _audit("vote.on_behalf")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (member.id, "idea", idea.id)
    assert "caller@example.com" in entry.summary


def test_a_contact_account_cannot_sign_in(ctx, app):
    triage.vote_on_behalf(make_user("designer"), make_idea(), email="caller@example.com", source="Interview")

    assert accounts.authenticate("caller@example.com", "") is None
    assert accounts.authenticate("caller@example.com", "!") is None
    assert accounts.authenticate("caller@example.com", "correct-horse-battery") is None
    contact = accounts.get_user_by_email("caller@example.com")
    with app.test_request_context():
        assert login_user(contact) is False


def test_a_contact_cannot_log_in_over_http(app, client):
    with app.app_context():
        triage.vote_on_behalf(make_user("designer"), make_idea(), email="caller@example.com", source="Interview")

    response = client.post("/login", data={"email": "caller@example.com", "password": "!"})

    assert response.status_code == 422
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_second_vote_on_behalf_of_the_same_person_changes_nothing(ctx):
    designer = make_user("designer")
    idea = make_idea()
    triage.vote_on_behalf(designer, idea, email="caller@example.com", source="Support call")

    again = triage.vote_on_behalf(make_user("developer"), _fresh(Idea, idea.id), email="CALLER@example.com",
                                  source="Interview")

    assert again is None
    assert _fresh(Idea, idea.id).vote_count == 2 == _count(Vote, Vote.idea_id == idea.id)
    assert _count(User, User.email == "caller@example.com") == 1
    assert len(_audit("vote.on_behalf")) == 1


def test_a_vote_on_behalf_of_someone_who_already_voted_changes_nothing(ctx):
    customer = make_user()
    idea = make_idea()
    ideas.cast_vote(customer, idea)

    assert triage.vote_on_behalf(make_user("designer"), _fresh(Idea, idea.id), email=customer.email,
                                 source="Call") is None

    vote = db.session.scalar(select(Vote).where(Vote.idea_id == idea.id, Vote.user_id == customer.id))
    assert (vote.on_behalf_by_id, vote.source) == (None, "")
    assert _fresh(Idea, idea.id).vote_count == 2


def test_a_vote_on_behalf_of_an_existing_account_uses_that_account(ctx):
    customer = make_user()
    idea = make_idea()

    vote = triage.vote_on_behalf(make_user("designer"), idea, email=customer.email.upper(), source="Workshop")

    assert _fresh(Vote, vote.id).user_id == customer.id
    assert not _fresh(User, customer.id).is_contact
    assert ideas.has_voted(customer, _fresh(Idea, idea.id))


def test_signing_up_with_a_contacts_email_claims_the_account_and_keeps_the_vote(ctx):
    idea = make_idea()
    vote = triage.vote_on_behalf(make_user("designer"), idea, email="caller@example.com", source="Support call")
    contact_id = _fresh(Vote, vote.id).user_id

    user = accounts.register_user("Caller@example.com", "Carla Caller", "a-long-password")

    assert user.id == contact_id
    saved = _fresh(User, contact_id)
    assert (saved.is_contact, saved.display_name, saved.role, saved.is_active) == (
        False, "Carla Caller", "customer", True)
    assert accounts.authenticate("caller@example.com", "a-long-password").id == contact_id
    assert _fresh(Vote, vote.id).user_id == contact_id
    assert ideas.has_voted(saved, _fresh(Idea, idea.id))
    assert _fresh(Idea, idea.id).vote_count == 2
    assert _count(User, User.email == "caller@example.com") == 1


def test_signing_up_with_a_real_accounts_email_is_still_refused(ctx):
    customer = make_user()

    with pytest.raises(ValidationError):
        accounts.register_user(customer.email, "Impostor", "a-long-password")


def test_customers_cannot_vote_on_behalf_of_anyone(ctx):
    customer = make_user()
    idea = make_idea()

    with pytest.raises(PermissionDenied):
        triage.vote_on_behalf(customer, idea, email="friend@example.com", source="Told me so")

    db.session.rollback()
    assert _count(User, User.email == "friend@example.com") == 0
    assert _fresh(Idea, idea.id).vote_count == 1
    assert _audit() == []


@pytest.mark.parametrize(("email", "source", "field"), [
    ("not-an-email", "Support call", "email"),
    ("caller@example.com", "", "source"),
    ("caller@example.com", "x", "source"),
    ("caller@example.com", "x" * 201, "source"),
])
def test_a_vote_on_behalf_needs_an_email_and_a_source(ctx, email, source, field):
    idea = make_idea()

    with pytest.raises(ValidationError) as info:
        triage.vote_on_behalf(make_user("designer"), idea, email=email, source=source)

    assert field in info.value.errors
    db.session.rollback()
    assert _fresh(Idea, idea.id).vote_count == 1 == _count(Vote, Vote.idea_id == idea.id)
    assert _count(User, User.is_contact.is_(True)) == 0


# bulk changes ---------------------------------------------------------------------------------------------------


def test_bulk_update_applies_a_status_a_tag_and_an_assignee_to_many_ideas(ctx):
    designer = make_user("designer")
    developer = make_user("developer")
    tag = _tag()
    chosen = [make_idea() for _ in range(3)]
    other = make_idea()
    initial_status()
    planned = status_by_name("Planned")

    changed = triage.bulk_update(designer, chosen, status=planned, tag=tag, assignee=developer)

    assert changed == 3
    for idea in chosen:
        saved = _fresh(Idea, idea.id)
        assert (saved.status_id, [t.id for t in saved.tags], saved.assignee_id) == (planned.id, [tag.id],
                                                                                   developer.id)
    untouched = _fresh(Idea, other.id)
    assert (untouched.status.name, untouched.tags, untouched.assignee_id) == ("New", [], None)
    assert len(_audit("idea.status")) == len(_audit("idea.tags")) == len(_audit("idea.assign")) == 3


def test_a_refused_bulk_update_changes_none_of_the_ideas(ctx):
    designer = make_user("designer")
    chosen = [make_idea() for _ in range(3)]

    with pytest.raises(ValidationError):
        triage.bulk_update(designer, chosen, tag=_tag(), assignee=make_user())

    db.session.rollback()
    for idea in chosen:
        saved = _fresh(Idea, idea.id)
        assert (saved.tags, saved.assignee_id) == ([], None)
    assert _audit("idea.tags") == []


def test_a_developer_cannot_bulk_update(ctx):
    developer = make_user("developer")
    idea = make_idea()
    initial_status()

    with pytest.raises(PermissionDenied):
        triage.bulk_update(developer, [idea], status=status_by_name("Declined"))

    db.session.rollback()
    assert _fresh(Idea, idea.id).status.name == "New"


@pytest.mark.parametrize("kwargs", [{}, {"tag": None}])
def test_a_bulk_update_needs_ideas_and_an_action(ctx, kwargs):
    designer = make_user("designer")

    with pytest.raises(ValidationError):
        triage.bulk_update(designer, [], tag=_tag())
    with pytest.raises(ValidationError):
        triage.bulk_update(designer, [make_idea()], **kwargs)
