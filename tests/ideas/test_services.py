"""Idea, vote and comment rules at the service level, counters included."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Guest
from portal.errors import NotFound, PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas import services
from portal.ideas.models import Comment, Idea, Vote
from portal.prototypes.models import Prototype
from tests.factories import make_comment, make_idea, make_prototype, make_user


def _fresh(model, id_):
    """Reload a row from the database, past anything cached in the session."""
    db.session.expire_all()
    return db.session.get(model, id_)


def _vote_rows(idea_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Vote).where(Vote.idea_id == idea_id))


def _comment_rows(idea_id: int, *, visible_only: bool = False) -> int:
    stmt = select(func.count()).select_from(Comment).where(Comment.idea_id == idea_id)
    if visible_only:
        stmt = stmt.where(Comment.deleted_at.is_(None))
    return db.session.scalar(stmt)


def _assert_comment_count_matches(idea_id: int) -> None:
    assert _fresh(Idea, idea_id).comment_count == _comment_rows(idea_id, visible_only=True)


# submit_idea ---------------------------------------------------------------------------------------------------


def test_a_new_idea_starts_with_one_vote_from_its_author(ctx):
    author = make_user()
    prototype = make_prototype()

    idea = services.submit_idea(author, prototype, "Add a dark mode", "Easier on the eyes.")

    saved = _fresh(Idea, idea.id)
    assert saved.vote_count == 1
    assert _vote_rows(idea.id) == 1
    assert services.has_voted(author, saved)
    assert saved.trending_score > 0
    assert (saved.product_id, saved.prototype_id, saved.author_id) == (prototype.product_id, prototype.id, author.id)


def test_an_idea_body_is_rendered_from_markdown_with_an_excerpt(ctx):
    idea = services.submit_idea(make_user(), make_prototype(), "Add a dark mode",
                                "It is **much** easier <script>alert(1)</script> on the eyes.")

    assert "<strong>much</strong>" in idea.body_html
    assert "<script" not in idea.body_html
    assert idea.excerpt.startswith("It is much easier")


def test_the_title_is_trimmed_and_inner_spaces_collapsed(ctx):
    idea = services.submit_idea(make_user(), make_prototype(), "   Add   a dark\tmode  ")

    assert idea.title == "Add a dark mode"


def test_ideas_cannot_be_posted_on_a_prototype_closed_for_feedback(ctx):
    prototype = make_prototype(open_for_feedback=False)

    with pytest.raises(PermissionDenied):
        services.submit_idea(make_user(), prototype, "Add a dark mode")

    assert db.session.scalar(select(func.count()).select_from(Idea)) == 0
    assert _fresh(Prototype, prototype.id).idea_count == 0


def test_a_guest_cannot_post_an_idea(ctx):
    with pytest.raises(PermissionDenied):
        services.submit_idea(Guest(), make_prototype(), "Add a dark mode")


@pytest.mark.parametrize(("title", "reason"), [
    ("abc", "3 characters"),
    ("x" * 121, "121 characters"),
    ("     ", "only spaces"),
    ("\t \t", "only whitespace"),
    ("", "empty"),
    ("Dark\x00mode", "a NUL byte"),
    ("Dark\x07mode ok", "a control character"),
    ("Dark\x1bmode ok", "an escape character"),
    ("Dark mode\nsecond line", "a line break"),
    ("Dark mode \ufffd", "invalid UTF-8"),
])
def test_an_unacceptable_title_is_rejected(ctx, title, reason):
    prototype = make_prototype()

    with pytest.raises(ValidationError) as exc:
        services.submit_idea(make_user(), prototype, title)

    assert "title" in exc.value.errors, reason
    assert _fresh(Prototype, prototype.id).idea_count == 0


@pytest.mark.parametrize("title", ["abcd", "x" * 120])
def test_titles_of_4_and_120_characters_are_accepted(ctx, title):
    assert services.submit_idea(make_user(), make_prototype(), title).title == title


@pytest.mark.parametrize("body", ["word " * 2001, "ok\x00no", "bell\x07"])
def test_an_unacceptable_body_is_rejected(ctx, body):
    with pytest.raises(ValidationError) as exc:
        services.submit_idea(make_user(), make_prototype(), "Add a dark mode", body)

    assert "body" in exc.value.errors


def test_a_body_of_exactly_10000_characters_with_line_breaks_is_accepted(ctx):
    body = "word\n" * 1999 + "words"
    assert len(body) == 10_000

    assert services.submit_idea(make_user(), make_prototype(), "Add a dark mode", body).body == body


def test_the_prototype_idea_count_follows_new_ideas(ctx):
    prototype = make_prototype()

    make_idea(prototype=prototype)
    make_idea(prototype=prototype)

    assert _fresh(Prototype, prototype.id).idea_count == 2


# edit_idea ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("editor_role", ["author", "developer", "designer", "admin"])
def test_the_author_and_the_team_can_edit_an_idea(ctx, editor_role):
    author = make_user()
    idea = make_idea(author=author, title="Add a dark mode")
    editor = author if editor_role == "author" else make_user(role=editor_role)

    services.edit_idea(editor, idea, "Add a light mode", "New **body**")

    saved = _fresh(Idea, idea.id)
    assert saved.title == "Add a light mode"
    assert "<strong>body</strong>" in saved.body_html
    assert saved.edited_at is not None


def test_another_customer_cannot_edit_an_idea(ctx):
    idea = make_idea(title="Add a dark mode")

    with pytest.raises(PermissionDenied):
        services.edit_idea(make_user(), idea, "Hijacked title")

    saved = _fresh(Idea, idea.id)
    assert saved.title == "Add a dark mode"
    assert saved.edited_at is None


def test_saving_an_idea_unchanged_does_not_mark_it_edited(ctx):
    author = make_user()
    idea = make_idea(author=author, title="Add a dark mode", body="Same body")

    services.edit_idea(author, idea, "  Add a  dark mode ", "Same body\n")

    assert _fresh(Idea, idea.id).edited_at is None


def test_editing_only_the_body_marks_the_idea_edited(ctx):
    author = make_user()
    idea = make_idea(author=author, title="Add a dark mode", body="Old body")

    services.edit_idea(author, idea, "Add a dark mode", "New body")

    saved = _fresh(Idea, idea.id)
    assert saved.body == "New body"
    assert saved.edited_at is not None


def test_an_edit_with_an_invalid_title_changes_nothing(ctx):
    author = make_user()
    idea = make_idea(author=author, title="Add a dark mode")

    with pytest.raises(ValidationError):
        services.edit_idea(author, idea, "abc")

    assert _fresh(Idea, idea.id).title == "Add a dark mode"


# delete_idea --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("deleter_role", ["author", "admin"])
def test_the_author_and_admins_can_delete_an_idea_with_its_votes_and_comments(ctx, deleter_role):
    author = make_user()
    prototype = make_prototype()
    idea = make_idea(author=author, prototype=prototype)
    other = make_idea(prototype=prototype)
    voter = make_user()
    services.cast_vote(voter, idea)
    top = make_comment(voter, idea)
    make_comment(author, idea, parent=top)
    idea_id = idea.id
    deleter = author if deleter_role == "author" else make_user(role="admin")

    services.delete_idea(deleter, idea)

    assert _fresh(Idea, idea_id) is None
    assert _vote_rows(idea_id) == 0
    assert _comment_rows(idea_id) == 0
    assert _fresh(Prototype, prototype.id).idea_count == 1
    assert _fresh(Idea, other.id) is not None


@pytest.mark.parametrize("role", ["customer", "developer", "designer"])
def test_someone_other_than_the_author_or_an_admin_cannot_delete_an_idea(ctx, role):
    prototype = make_prototype()
    idea = make_idea(prototype=prototype)

    with pytest.raises(PermissionDenied):
        services.delete_idea(make_user(role=role), idea)

    assert _fresh(Idea, idea.id) is not None
    assert _fresh(Prototype, prototype.id).idea_count == 1


# votes --------------------------------------------------------------------------------------------------------


def test_voting_adds_one_vote(ctx):
    idea = make_idea()
    voter = make_user()

    assert services.cast_vote(voter, idea) == 2
    assert _fresh(Idea, idea.id).vote_count == _vote_rows(idea.id) == 2
    assert services.has_voted(voter, idea)


def test_voting_twice_keeps_one_vote(ctx):
    idea = make_idea()
    voter = make_user()

    services.cast_vote(voter, idea)
    assert services.cast_vote(voter, idea) == 2

    assert _fresh(Idea, idea.id).vote_count == _vote_rows(idea.id) == 2


def test_the_author_voting_on_their_own_idea_changes_nothing(ctx):
    author = make_user()
    idea = make_idea(author=author)

    assert services.cast_vote(author, idea) == 1
    assert _vote_rows(idea.id) == 1


def test_removing_a_vote_takes_it_away(ctx):
    idea = make_idea()
    voter = make_user()
    services.cast_vote(voter, idea)

    assert services.remove_vote(voter, idea) == 1

    assert _fresh(Idea, idea.id).vote_count == _vote_rows(idea.id) == 1
    assert not services.has_voted(voter, idea)


def test_removing_a_vote_that_was_never_cast_changes_nothing(ctx):
    idea = make_idea()
    before = _fresh(Idea, idea.id).trending_score

    assert services.remove_vote(make_user(), idea) == 1

    saved = _fresh(Idea, idea.id)
    assert saved.vote_count == _vote_rows(idea.id) == 1
    assert saved.trending_score == before


def test_removing_a_vote_twice_removes_it_once(ctx):
    idea = make_idea()
    voter = make_user()
    services.cast_vote(voter, idea)

    services.remove_vote(voter, idea)
    assert services.remove_vote(voter, idea) == 1
    assert _fresh(Idea, idea.id).vote_count == _vote_rows(idea.id) == 1


def test_the_vote_count_always_equals_the_votes_stored(ctx):
    idea = make_idea()
    people = [make_user() for _ in range(4)]
    steps = [(people[0], "cast"), (people[1], "cast"), (people[0], "cast"), (people[2], "remove"),
             (people[1], "remove"), (people[3], "cast"), (people[1], "cast"), (people[3], "remove")]

    for person, action in steps:
        returned = (services.cast_vote if action == "cast" else services.remove_vote)(person, idea)
        assert returned == _fresh(Idea, idea.id).vote_count == _vote_rows(idea.id)

    assert _vote_rows(idea.id) == 3


def test_a_vote_raises_the_trending_score_and_removing_it_lowers_it_again(ctx):
    idea = make_idea()
    voter = make_user()
    before = _fresh(Idea, idea.id).trending_score

    services.cast_vote(voter, idea)
    raised = _fresh(Idea, idea.id).trending_score
    services.remove_vote(voter, idea)
    lowered = _fresh(Idea, idea.id).trending_score

    assert raised > before
    assert lowered < raised
    assert lowered == pytest.approx(before)


def test_a_guest_cannot_vote(ctx):
    idea = make_idea()

    with pytest.raises(PermissionDenied):
        services.cast_vote(Guest(), idea)
    with pytest.raises(PermissionDenied):
        services.remove_vote(Guest(), idea)

    assert _vote_rows(idea.id) == 1
    assert not services.has_voted(Guest(), idea)


def test_voting_by_id_reads_the_idea_itself(ctx):
    idea = make_idea()
    voter = make_user()
    db.session.expunge_all()  # nothing of the idea in the session: the service reads and locks it

    assert services.cast_vote(voter, idea.id) == 2
    assert services.cast_vote(voter, idea.id) == 2  # the count read under the lock when nothing changes
    assert services.remove_vote(voter, idea.id) == 1
    assert services.remove_vote(voter, idea.id) == 1
    assert _fresh(Idea, idea.id).vote_count == _vote_rows(idea.id) == 1


def test_voting_on_a_deleted_idea_is_not_found(ctx):
    with pytest.raises(NotFound):
        services.cast_vote(make_user(), 987654)
    with pytest.raises(NotFound):
        services.remove_vote(make_user(), 987654)


# add_comment --------------------------------------------------------------------------------------------------


def test_commenting_adds_a_rendered_comment_and_counts_it(ctx):
    idea = make_idea()
    before = _fresh(Idea, idea.id).trending_score

    comment = services.add_comment(make_user(), idea, "I **agree** <script>x</script>")

    assert comment.parent_id is None
    assert "<strong>agree</strong>" in comment.body_html
    assert "<script" not in comment.body_html
    saved = _fresh(Idea, idea.id)
    assert saved.comment_count == 1
    assert saved.trending_score > before


@pytest.mark.parametrize("body", ["", "   \n ", "bad\x00byte", "x" * 5001])
def test_an_unacceptable_comment_is_rejected(ctx, body):
    idea = make_idea()

    with pytest.raises(ValidationError) as exc:
        services.add_comment(make_user(), idea, body)

    assert "body" in exc.value.errors
    _assert_comment_count_matches(idea.id)


def test_a_guest_cannot_comment(ctx):
    with pytest.raises(PermissionDenied):
        services.add_comment(Guest(), make_idea(), "Hello")


def test_a_reply_is_attached_to_its_comment(ctx):
    idea = make_idea()
    top = make_comment(make_user(), idea)

    reply = services.add_comment(make_user(), idea, "A reply", top)

    assert reply.parent_id == top.id
    _assert_comment_count_matches(idea.id)
    assert _fresh(Idea, idea.id).comment_count == 2


def test_a_reply_to_a_reply_joins_the_top_level_thread(ctx):
    idea = make_idea()
    top = make_comment(make_user(), idea)
    reply = make_comment(make_user(), idea, parent=top)

    nested = services.add_comment(make_user(), idea, "A reply to the reply", reply)

    assert nested.parent_id == top.id
    assert _fresh(Idea, idea.id).comment_count == 3


def test_replying_to_a_comment_of_another_idea_is_rejected(ctx):
    idea, other = make_idea(), make_idea()
    foreign = make_comment(make_user(), other)

    with pytest.raises(ValidationError) as exc:
        services.add_comment(make_user(), idea, "Sneaky reply", foreign)

    assert "body" in exc.value.errors
    assert _comment_rows(idea.id) == 0
    assert _fresh(Idea, idea.id).comment_count == 0
    assert _fresh(Idea, other.id).comment_count == 1


def test_replying_in_a_thread_whose_first_comment_was_deleted_still_works(ctx):
    idea = make_idea()
    opener = make_user()
    top = make_comment(opener, idea)
    reply = make_comment(make_user(), idea, parent=top)
    services.delete_comment(opener, top)  # leaves a placeholder, since it has a reply

    # The page offers "Reply" under the visible reply; its form names the thread's (deleted) first comment.
    answer = services.add_comment(make_user(), idea, "Answering the reply", _fresh(Comment, top.id))
    nested = services.add_comment(make_user(), idea, "Answering again", _fresh(Comment, reply.id))

    assert answer.parent_id == nested.parent_id == top.id
    _assert_comment_count_matches(idea.id)
    assert _fresh(Idea, idea.id).comment_count == 3


# edit_comment -------------------------------------------------------------------------------------------------


def test_editing_ones_own_comment_changes_it_and_marks_it_edited(ctx):
    author = make_user()
    comment = make_comment(author, make_idea(), "Before")

    services.edit_comment(author, comment, "After *now*")

    saved = _fresh(Comment, comment.id)
    assert saved.body == "After *now*"
    assert "<em>now</em>" in saved.body_html
    assert saved.edited_at is not None


def test_saving_a_comment_unchanged_does_not_mark_it_edited(ctx):
    author = make_user()
    comment = make_comment(author, make_idea(), "Same")

    services.edit_comment(author, comment, "  Same  ")

    assert _fresh(Comment, comment.id).edited_at is None


@pytest.mark.parametrize("role", ["customer", "developer", "designer", "admin"])
def test_nobody_can_edit_someone_elses_comment(ctx, role):
    comment = make_comment(make_user(), make_idea(), "Original")

    with pytest.raises(PermissionDenied):
        services.edit_comment(make_user(role=role), comment, "Changed")

    saved = _fresh(Comment, comment.id)
    assert saved.body == "Original"
    assert saved.edited_at is None


def test_a_deleted_comment_cannot_be_edited(ctx):
    author = make_user()
    idea = make_idea()
    top = make_comment(author, idea)
    make_comment(make_user(), idea, parent=top)
    services.delete_comment(author, top)

    with pytest.raises(PermissionDenied):
        services.edit_comment(author, _fresh(Comment, top.id), "Resurrected")


# delete_comment -----------------------------------------------------------------------------------------------


def test_deleting_a_comment_without_replies_removes_it(ctx):
    author = make_user()
    idea = make_idea()
    comment = make_comment(author, idea)
    comment_id = comment.id

    services.delete_comment(author, comment)

    assert _fresh(Comment, comment_id) is None
    assert _fresh(Idea, idea.id).comment_count == 0
    _assert_comment_count_matches(idea.id)


def test_deleting_a_comment_restores_the_trending_score(ctx):
    author = make_user()
    idea = make_idea()
    before = _fresh(Idea, idea.id).trending_score
    comment = make_comment(author, idea)

    services.delete_comment(author, comment)

    assert _fresh(Idea, idea.id).trending_score == pytest.approx(before)


def test_deleting_a_comment_with_replies_leaves_an_empty_placeholder(ctx):
    author = make_user()
    idea = make_idea()
    top = make_comment(author, idea, "Secret words")
    reply = make_comment(make_user(), idea, parent=top)

    services.delete_comment(author, top)

    placeholder = _fresh(Comment, top.id)
    assert placeholder is not None
    assert placeholder.is_deleted
    assert placeholder.body == placeholder.body_html == ""
    assert _fresh(Comment, reply.id) is not None
    assert _fresh(Idea, idea.id).comment_count == 1
    _assert_comment_count_matches(idea.id)


def test_deleting_the_last_reply_of_a_placeholder_removes_the_placeholder(ctx):
    idea = make_idea()
    opener, first, second = make_user(), make_user(), make_user()
    top = make_comment(opener, idea)
    reply_one = make_comment(first, idea, parent=top)
    reply_two = make_comment(second, idea, parent=top)
    services.delete_comment(opener, top)

    services.delete_comment(first, _fresh(Comment, reply_one.id))
    assert _fresh(Comment, top.id) is not None  # one reply still hangs on it
    _assert_comment_count_matches(idea.id)

    services.delete_comment(second, _fresh(Comment, reply_two.id))

    assert _comment_rows(idea.id) == 0
    assert _fresh(Idea, idea.id).comment_count == 0


def test_deleting_a_reply_under_a_live_comment_keeps_that_comment(ctx):
    idea = make_idea()
    top = make_comment(make_user(), idea)
    replier = make_user()
    reply = make_comment(replier, idea, parent=top)

    services.delete_comment(replier, reply)

    assert _fresh(Comment, top.id) is not None
    assert _fresh(Idea, idea.id).comment_count == 1


def test_an_admin_can_delete_someone_elses_comment(ctx):
    idea = make_idea()
    comment = make_comment(make_user(), idea)
    comment_id = comment.id

    services.delete_comment(make_user(role="admin"), comment)

    assert _fresh(Comment, comment_id) is None
    _assert_comment_count_matches(idea.id)


@pytest.mark.parametrize("role", ["customer", "developer", "designer"])
def test_only_the_author_or_an_admin_can_delete_a_comment(ctx, role):
    idea = make_idea()
    comment = make_comment(make_user(), idea)

    with pytest.raises(PermissionDenied):
        services.delete_comment(make_user(role=role), comment)

    assert _fresh(Comment, comment.id) is not None
    assert _fresh(Idea, idea.id).comment_count == 1


def test_a_placeholder_cannot_be_deleted_twice(ctx):
    author = make_user()
    idea = make_idea()
    top = make_comment(author, idea)
    make_comment(make_user(), idea, parent=top)
    services.delete_comment(author, top)

    with pytest.raises(PermissionDenied):
        services.delete_comment(make_user(role="admin"), _fresh(Comment, top.id))

    _assert_comment_count_matches(idea.id)
    assert _fresh(Idea, idea.id).comment_count == 1


def test_the_comment_count_always_equals_the_visible_comments(ctx):
    idea = make_idea()
    alice, bob, admin = make_user(), make_user(), make_user(role="admin")
    first = make_comment(alice, idea)
    second = make_comment(bob, idea)
    replies = [make_comment(bob, idea, parent=first), make_comment(alice, idea, parent=first)]
    _assert_comment_count_matches(idea.id)

    steps = [(alice, first), (bob, replies[0]), (admin, second), (admin, replies[1])]
    for actor, comment in steps:
        services.delete_comment(actor, _fresh(Comment, comment.id))
        _assert_comment_count_matches(idea.id)

    assert _comment_rows(idea.id) == 0
