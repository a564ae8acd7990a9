"""The trending score always equals the weights of the votes and visible comments an idea has."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.ideas import services as ideas
from portal.ideas.models import Comment, Idea, Vote
from portal.ideas.trending import trending_weight
from portal.moderation import services as moderation
from tests.factories import make_idea, make_user


def _expected(idea_id: int) -> float:
    votes = db.session.scalars(select(Vote.created_at).where(Vote.idea_id == idea_id))
    comments = db.session.scalars(select(Comment.created_at).where(
        Comment.idea_id == idea_id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
        Comment.pending_approval.is_(False)))
    return sum(trending_weight(at) for at in [*votes, *comments])


def _check(idea_id: int) -> None:
    db.session.expire_all()
    assert db.session.get(Idea, idea_id).trending_score == pytest.approx(_expected(idea_id), rel=1e-9)


def test_moderation_keeps_the_trending_score_equal_to_what_is_visible(ctx):
    admin, newcomer, regular = make_user(role="admin"), make_user(), make_user()
    idea = make_idea(author=regular)
    idea_id = idea.id
    first = ideas.add_comment(regular, idea, "Visible from the start")
    moderation.set_hold_first_posts(admin, True)
    held = ideas.add_comment(newcomer, db.session.get(Idea, idea_id), "Held for approval")
    _check(idea_id)
    moderation.approve_comment(admin, held)
    _check(idea_id)
    moderation.hide_comment(admin, first, "Off topic here")
    _check(idea_id)
    moderation.restore_comment(admin, first)
    _check(idea_id)
    moderation.ban_user(admin, regular, "Spam links", hide_content=True)
    _check(idea_id)
    moderation.unban_user(admin, regular)
    _check(idea_id)
    moderation.hide_comment(admin, held, "Rude words")
    ideas.delete_comment(newcomer, held)
    _check(idea_id)
