"""Merging duplicates: votes move once per person, comments show on the original, and an undo restores both."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Guest
from portal.audit.models import AuditEntry
from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas import services as ideas
from portal.ideas.models import Idea, Vote
from portal.ideas.queries import idea_list, timeline
from portal.triage import statuses
from portal.triage.models import Merge, StatusChange
from portal.triage.services import merge_ideas, unmerge_idea, vote_on_behalf
from tests.factories import make_comment, make_idea, make_prototype, make_user


def _fresh(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def _votes(idea_id: int) -> set[tuple[int, object]]:
    """Who voted on an idea and when: the identity of its votes."""
    return set(db.session.execute(select(Vote.user_id, Vote.created_at).where(Vote.idea_id == idea_id)).all())


def _voters(idea_id: int) -> set[int]:
    return {user_id for user_id, _ in _votes(idea_id)}


def _rows(idea_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Vote).where(Vote.idea_id == idea_id))


def _assert_counts_equal_rows(*idea_ids: int) -> None:
    db.session.expire_all()
    for idea_id in idea_ids:
        assert db.session.get(Idea, idea_id).vote_count == _rows(idea_id), idea_id


def _snapshot(idea_id: int) -> dict:
    idea = _fresh(Idea, idea_id)
    return {"votes": _votes(idea_id), "vote_count": idea.vote_count, "merged_into_id": idea.merged_into_id,
            "status_id": idea.status_id,
            "trending": idea.trending_score, "moved": db.session.scalar(
                select(func.count()).select_from(Vote).where(Vote.idea_id == idea_id,
                                                             Vote.moved_from_idea_id.is_not(None)))}


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.fixture
def pair(ctx):
    """An original and its duplicate on one prototype: one person voted on both, others on one each."""
    prototype = make_prototype()
    original = make_idea(title="Add a dark mode", prototype=prototype)
    duplicate = make_idea(title="Dark theme please", prototype=prototype)
    both, dup_only, orig_only = make_user(), make_user(), make_user()
    for voter in (both, dup_only):
        ideas.cast_vote(voter, duplicate)
    for voter in (both, orig_only):
        ideas.cast_vote(voter, original)
    return {"designer": make_user("designer"), "original": _fresh(Idea, original.id),
            "duplicate": _fresh(Idea, duplicate.id), "both": both, "dup_only": dup_only, "orig_only": orig_only}


def test_the_duplicates_voters_become_voters_of_the_original(pair):
    original, duplicate = pair["original"], pair["duplicate"]
    voters_before = _voters(original.id) | _voters(duplicate.id)

    merge_ideas(pair["designer"], duplicate, original)

    assert _voters(original.id) == voters_before
    assert len(voters_before) == 5  # two authors, the one who voted on both, one on each
    assert _fresh(Idea, original.id).vote_count == 5
    _assert_counts_equal_rows(original.id, duplicate.id)


def test_a_person_who_voted_on_both_counts_once_on_the_original(pair):
    original, duplicate, both = pair["original"], pair["duplicate"], pair["both"]

    merge_ideas(pair["designer"], duplicate, original)

    on_original = db.session.scalar(select(func.count()).select_from(Vote).where(
        Vote.idea_id == original.id, Vote.user_id == both.id))
    assert on_original == 1
    _assert_counts_equal_rows(original.id, duplicate.id)


def test_moved_votes_keep_their_time_and_remember_where_they_came_from(pair):
    original, duplicate = pair["original"], pair["duplicate"]
    dup_votes = _votes(duplicate.id)

    merge_ideas(pair["designer"], duplicate, original)

    moved = set(db.session.execute(select(Vote.user_id, Vote.created_at).where(
        Vote.idea_id == original.id, Vote.moved_from_idea_id == duplicate.id)).all())
    assert moved == {v for v in dup_votes if v[0] != pair["both"].id}
    assert moved <= _votes(original.id)


def test_the_duplicate_is_marked_merged_and_its_status_is_duplicate(pair):
    original, duplicate, designer = pair["original"], pair["duplicate"], pair["designer"]

    merge = merge_ideas(designer, duplicate, original)

    saved = _fresh(Idea, duplicate.id)
    assert saved.merged_into_id == original.id
    assert saved.status.name == "Duplicate"
    assert (merge.duplicate_id, merge.original_id, merge.actor_id, merge.undone_at) == (
        duplicate.id, original.id, designer.id, None)
    change = db.session.scalars(select(StatusChange).where(StatusChange.idea_id == duplicate.id)).one()
    assert (change.from_status.name, change.to_status.name, change.actor_id) == ("New", "Duplicate", designer.id)
    assert _fresh(Idea, original.id).merged_into_id is None


@pytest.mark.parametrize("role", ["customer", "developer", "designer", "admin"])
def test_a_merged_duplicate_leaves_every_list(pair, role):
    original, duplicate = pair["original"], pair["duplicate"]
    merge_ideas(pair["designer"], duplicate, original)
    viewer = make_user(role)

    listed = db.session.scalars(idea_list(viewer=viewer, product_id=original.product_id)).unique().all()
    by_prototype = db.session.scalars(idea_list(viewer=viewer, prototype_id=original.prototype_id)).unique().all()

    assert [i.id for i in listed] == [original.id]
    assert [i.id for i in by_prototype] == [original.id]


def test_a_guest_no_longer_sees_the_duplicate_in_lists(pair):
    original, duplicate = pair["original"], pair["duplicate"]
    merge_ideas(pair["designer"], duplicate, original)

    listed = db.session.scalars(idea_list(viewer=Guest(), product_id=original.product_id)).unique().all()

    assert [i.id for i in listed] == [original.id]


def test_the_duplicates_comments_show_on_the_original_marked_merged_from(pair):
    original, duplicate = pair["original"], pair["duplicate"]
    customer = make_user()
    on_original = make_comment(customer, original, "Yes please")
    on_duplicate = make_comment(customer, duplicate, "Same here")
    reply = make_comment(make_user(), duplicate, "Agreed", parent=on_duplicate)

    merge_ideas(pair["designer"], duplicate, original)

    for viewer in (customer, Guest(), pair["designer"]):
        entries = [e for e in timeline(_fresh(Idea, original.id), viewer) if e.comment is not None]
        assert [(e.comment.id, e.merged_from.id if e.merged_from else None) for e in entries] == [
            (on_original.id, None), (on_duplicate.id, duplicate.id)]
        assert [r.id for r in entries[1].replies] == [reply.id]


def test_unmerging_takes_the_duplicates_comments_back(pair):
    original, duplicate = pair["original"], pair["duplicate"]
    make_comment(make_user(), duplicate, "Same here")
    merge_ideas(pair["designer"], duplicate, original)

    unmerge_idea(pair["designer"], _fresh(Idea, duplicate.id))

    assert [e for e in timeline(_fresh(Idea, original.id), Guest()) if e.comment is not None] == []
    assert len([e for e in timeline(_fresh(Idea, duplicate.id), Guest()) if e.comment is not None]) == 1


def test_unmerging_restores_both_ideas_exactly(pair):
    original, duplicate, designer = pair["original"], pair["duplicate"], pair["designer"]
    before = {original.id: _snapshot(original.id), duplicate.id: _snapshot(duplicate.id)}

    merge_ideas(designer, duplicate, original)
    assert _votes(original.id) != before[original.id]["votes"]
    unmerge_idea(designer, _fresh(Idea, duplicate.id))

    for idea_id, snapshot in before.items():
        after = _snapshot(idea_id)
        assert after["votes"] == snapshot["votes"]
        assert after["vote_count"] == snapshot["vote_count"] == _rows(idea_id)
        assert after["merged_into_id"] is None
        assert after["moved"] == 0
        assert after["trending"] == pytest.approx(snapshot["trending"], rel=1e-9)
    merge = db.session.scalars(select(Merge)).one()
    assert merge.undone_at is not None


def test_an_undone_merge_can_be_redone_and_undone_again(pair):
    original, duplicate, designer = pair["original"], pair["duplicate"], pair["designer"]
    before = {original.id: _votes(original.id), duplicate.id: _votes(duplicate.id)}

    for _ in range(3):
        merge_ideas(designer, _fresh(Idea, duplicate.id), _fresh(Idea, original.id))
        _assert_counts_equal_rows(original.id, duplicate.id)
        unmerge_idea(designer, _fresh(Idea, duplicate.id))
        _assert_counts_equal_rows(original.id, duplicate.id)

    assert {original.id: _votes(original.id), duplicate.id: _votes(duplicate.id)} == before
    assert db.session.scalar(select(func.count()).select_from(Merge).where(Merge.undone_at.is_(None))) == 0


def test_unmerging_puts_the_duplicate_back_in_the_status_it_had(pair):
    original, duplicate, designer = pair["original"], pair["duplicate"], pair["designer"]
    statuses.initial_status()
    planned = statuses.status_by_name("Planned")
    statuses.set_status(designer, duplicate, planned, "On the list")
    merge_ideas(designer, _fresh(Idea, duplicate.id), original)

    unmerge_idea(designer, _fresh(Idea, duplicate.id))

    saved = _fresh(Idea, duplicate.id)
    assert saved.status_id == planned.id
    assert ideas.cast_vote(make_user(), saved) == 4


def test_merging_still_works_when_the_duplicate_status_is_retired(pair):
    original, duplicate, designer = pair["original"], pair["duplicate"], pair["designer"]
    statuses.initial_status()
    statuses.set_status_retired(make_user("admin"), statuses.status_by_name("Duplicate"), True)

    merge_ideas(designer, _fresh(Idea, duplicate.id), _fresh(Idea, original.id))

    saved = _fresh(Idea, duplicate.id)
    assert (saved.merged_into_id, saved.status.name) == (original.id, "New")
    _assert_counts_equal_rows(original.id, duplicate.id)


def test_unmerging_works_after_the_duplicates_earlier_status_was_retired(pair):
    original, duplicate, designer = pair["original"], pair["duplicate"], pair["designer"]
    statuses.initial_status()
    review = statuses.status_by_name("Under review")
    statuses.set_status(designer, duplicate, review)
    merge_ideas(designer, _fresh(Idea, duplicate.id), original)
    statuses.set_status_retired(make_user("admin"), _fresh(type(review), review.id), True)
    before = _votes(duplicate.id)

    unmerge_idea(designer, _fresh(Idea, duplicate.id))

    saved = _fresh(Idea, duplicate.id)
    assert (saved.merged_into_id, saved.status.name) == (None, "New")
    assert _votes(duplicate.id) != before and len(_votes(duplicate.id)) == 3
    _assert_counts_equal_rows(original.id, duplicate.id)


def test_unmerging_can_put_the_duplicate_back_in_a_chosen_status(pair):
    original, duplicate, designer = pair["original"], pair["duplicate"], pair["designer"]
    merge_ideas(designer, duplicate, original)
    statuses.initial_status()
    review = statuses.status_by_name("Under review")

    unmerge_idea(designer, _fresh(Idea, duplicate.id), restore_status=review)

    saved = _fresh(Idea, duplicate.id)
    assert saved.status_id == review.id
    count = saved.vote_count
    assert ideas.cast_vote(make_user(), saved) == count + 1


def test_votes_changed_while_merged_still_leave_counts_equal_to_rows(pair):
    original, duplicate, designer = pair["original"], pair["duplicate"], pair["designer"]
    merge_ideas(designer, duplicate, original)
    newcomer = make_user()

    ideas.remove_vote(pair["dup_only"], _fresh(Idea, original.id))  # a moved vote, withdrawn on the original
    ideas.cast_vote(newcomer, _fresh(Idea, original.id))
    _assert_counts_equal_rows(original.id, duplicate.id)
    unmerge_idea(designer, _fresh(Idea, duplicate.id))

    _assert_counts_equal_rows(original.id, duplicate.id)
    assert pair["dup_only"].id not in _voters(duplicate.id) | _voters(original.id)
    assert newcomer.id in _voters(original.id)
    assert pair["both"].id in _voters(original.id) & _voters(duplicate.id)


def test_a_merged_duplicate_takes_no_votes_or_comments(pair):
    original, duplicate = pair["original"], pair["duplicate"]
    merge_ideas(pair["designer"], duplicate, original)
    duplicate = _fresh(Idea, duplicate.id)

    with pytest.raises(PermissionDenied):
        ideas.cast_vote(make_user(), duplicate)
    with pytest.raises(PermissionDenied):
        ideas.add_comment(make_user(), duplicate, "Hello?")
    with pytest.raises(ValidationError):
        vote_on_behalf(pair["designer"], duplicate, email="caller@example.com", source="Support call")

    _assert_counts_equal_rows(original.id, duplicate.id)


def test_an_idea_cannot_be_merged_into_itself(pair):
    duplicate = pair["duplicate"]
    before = _snapshot(duplicate.id)

    with pytest.raises(ValidationError):
        merge_ideas(pair["designer"], duplicate, duplicate)

    db.session.rollback()
    assert _snapshot(duplicate.id) == before
    assert _audit("idea.merge") == []


def test_an_idea_cannot_be_merged_into_a_merged_idea(pair):
    original, duplicate, designer = pair["original"], pair["duplicate"], pair["designer"]
    third = make_idea(prototype=original.prototype)
    merge_ideas(designer, duplicate, original)
    before = (_snapshot(third.id), _snapshot(original.id), _snapshot(duplicate.id))

    with pytest.raises(ValidationError):
        merge_ideas(designer, _fresh(Idea, third.id), _fresh(Idea, duplicate.id))

    db.session.rollback()
    assert (_snapshot(third.id), _snapshot(original.id), _snapshot(duplicate.id)) == before
    assert len(_audit("idea.merge")) == 1


def test_an_idea_cannot_be_merged_twice(pair):
    original, duplicate, designer = pair["original"], pair["duplicate"], pair["designer"]
    third = make_idea(prototype=original.prototype)
    merge_ideas(designer, duplicate, original)
    before = (_snapshot(original.id), _snapshot(duplicate.id), _snapshot(third.id))

    with pytest.raises(ValidationError):
        merge_ideas(designer, _fresh(Idea, duplicate.id), _fresh(Idea, original.id))
    with pytest.raises(ValidationError):
        merge_ideas(designer, _fresh(Idea, duplicate.id), _fresh(Idea, third.id))

    db.session.rollback()
    assert (_snapshot(original.id), _snapshot(duplicate.id), _snapshot(third.id)) == before
    assert len(_audit("idea.merge")) == 1
    assert db.session.scalar(select(func.count()).select_from(Merge)) == 1


def test_an_idea_others_are_merged_into_cannot_itself_be_merged(pair):
    original, duplicate, designer = pair["original"], pair["duplicate"], pair["designer"]
    third = make_idea(prototype=original.prototype)
    merge_ideas(designer, duplicate, original)

    with pytest.raises(ValidationError):
        merge_ideas(designer, _fresh(Idea, original.id), _fresh(Idea, third.id))

    db.session.rollback()
    assert _fresh(Idea, original.id).merged_into_id is None
    _assert_counts_equal_rows(original.id, duplicate.id, third.id)


def test_an_idea_that_is_not_merged_cannot_be_unmerged(pair):
    with pytest.raises(ValidationError):
        unmerge_idea(pair["designer"], pair["duplicate"])

    assert _audit("idea.unmerge") == []


@pytest.mark.parametrize("role", ["customer", "developer"])
def test_customers_and_developers_cannot_merge_or_unmerge(pair, role):
    original, duplicate = pair["original"], pair["duplicate"]
    actor = make_user(role)
    before = (_snapshot(original.id), _snapshot(duplicate.id))

    with pytest.raises(PermissionDenied):
        merge_ideas(actor, duplicate, original)
    assert (_snapshot(original.id), _snapshot(duplicate.id)) == before

    merge_ideas(pair["designer"], _fresh(Idea, duplicate.id), _fresh(Idea, original.id))
    merged = (_snapshot(original.id), _snapshot(duplicate.id))
    with pytest.raises(PermissionDenied):
        unmerge_idea(actor, _fresh(Idea, duplicate.id))
    assert (_snapshot(original.id), _snapshot(duplicate.id)) == merged
    assert _audit("idea.unmerge") == []


def test_the_ideas_author_cannot_merge_their_own_ideas(pair):
    author = pair["duplicate"].author

    with pytest.raises(PermissionDenied):
        merge_ideas(author, pair["duplicate"], pair["original"])


def test_admins_can_merge(pair):
    merge_ideas(make_user("admin"), pair["duplicate"], pair["original"])

    assert _fresh(Idea, pair["duplicate"].id).merged_into_id == pair["original"].id


def test_merge_and_unmerge_are_audited(pair):
    original, duplicate, designer = pair["original"], pair["duplicate"], pair["designer"]

    merge_ideas(designer, duplicate, original)
    unmerge_idea(designer, _fresh(Idea, duplicate.id))

    (merged,) = _audit("idea.merge")
    (unmerged,) = _audit("idea.unmerge")
    assert (merged.actor_id, merged.target_type, merged.target_id) == (designer.id, "idea", duplicate.id)
    assert merged.after == {"original_id": original.id, "votes_moved": 2}
    assert (unmerged.actor_id, unmerged.target_id) == (designer.id, duplicate.id)
    assert unmerged.before == {"original_id": original.id}
    assert unmerged.after == {"votes_restored": 2}


def test_merging_an_idea_without_shared_voters_moves_every_vote(ctx):
    designer = make_user("designer")
    original, duplicate = make_idea(), make_idea()

    merge_ideas(designer, duplicate, original)

    assert _fresh(Idea, duplicate.id).vote_count == 0
    assert _fresh(Idea, original.id).vote_count == 2
    _assert_counts_equal_rows(original.id, duplicate.id)


def test_a_renamed_duplicate_status_is_still_what_merges_set(ctx):
    from portal.triage.services import merge_ideas
    from portal.triage.statuses import duplicate_status, initial_status, save_status

    initial_status()
    admin, designer = make_user("admin"), make_user("designer")
    status = duplicate_status()
    save_status(admin, status, name="Already suggested", color=status.color, kind=status.kind)
    original = make_idea()
    duplicate = make_idea(prototype=original.prototype)
    merge_ideas(designer, duplicate, original)
    assert db.session.get(Idea, duplicate.id).status.name == "Already suggested"
