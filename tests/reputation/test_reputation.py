"""Reputation for giving: each kind of record earns its points, exactly, and nothing else does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core.models import utcnow
from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas import services as idea_services
from portal.ideas.models import Comment, Idea
from portal.invitations.models import Invitation
from portal.moderation.links import check_links
from portal.moderation.services import hide_comment, needs_approval, set_hold_first_posts
from portal.network.models import Connection, Introduction
from portal.permissions import can_mark_helpful, has_trusted_standing
from portal.reputation import queries, services
from portal.reputation.models import ReputationTotal
from portal.reputation.scoring import RULES_BY_KEY, badges, score
from portal.triage.statuses import initial_status, set_status, status_by_name
from tests.factories import make_comment, make_idea, make_prototype, make_user


def test_score_is_a_pure_function_with_a_cap_on_votes():
    breakdown = score({"shipped": 2, "helpful": 1, "votes": 500, "unknown": 9})
    assert breakdown.total == 2 * 10 + 5 + RULES_BY_KEY["votes"].cap
    assert breakdown.count("votes") == 500
    assert score({}).total == 0
    assert [b.key for b in badges({"shipped": 1, "invitees": 1, "first_answers": 1})] == [
        "first_shipped", "connector", "first_answer"]
    assert badges({}) == []


def _ship(idea: Idea) -> None:
    initial_status()
    set_status(make_user(role="designer"), db.session.get(Idea, idea.id), status_by_name("Shipped"))


def test_votes_on_others_ideas_count_but_not_on_ones_own(ctx):
    author, voter = make_user(), make_user()
    idea = make_idea(author)
    idea_services.cast_vote(voter, db.session.get(Idea, idea.id))
    assert queries.points(voter.id) == 1
    assert queries.points(author.id) == 0  # the author's own automatic vote earns nothing


def test_a_shipped_idea_earns_its_author_ten(ctx):
    author = make_user()
    idea = make_idea(author)
    assert queries.points(author.id) == 0
    _ship(idea)
    assert queries.breakdown(author.id).count("shipped") == 1
    assert queries.points(author.id) == 10
    assert "first_shipped" in [b.key for b in queries.profile(author.id).badges]


def test_helpful_marks_by_the_author_or_team_only(ctx):
    author, helper, stranger, designer = make_user(), make_user(), make_user(), make_user(role="designer")
    idea = make_idea(author)
    comment = make_comment(helper, idea)
    with pytest.raises(PermissionDenied):
        services.set_helpful(stranger, db.session.get(Comment, comment.id), True)
    with pytest.raises(PermissionDenied):  # never one's own comment
        services.set_helpful(helper, db.session.get(Comment, comment.id), True)
    assert services.set_helpful(author, db.session.get(Comment, comment.id), True) is True
    assert services.set_helpful(designer, db.session.get(Comment, comment.id), True) is True  # marked once
    assert queries.points(helper.id) == 5
    assert db.session.get(ReputationTotal, helper.id).points == 5  # the cache moved with it
    assert services.set_helpful(designer, db.session.get(Comment, comment.id), False) is False
    assert queries.points(helper.id) == 0
    assert db.session.get(ReputationTotal, helper.id).points == 0


def test_a_hidden_helpful_comment_loses_its_points(ctx):
    author, helper = make_user(), make_user()
    comment = make_comment(helper, make_idea(author))
    services.set_helpful(author, db.session.get(Comment, comment.id), True)
    hide_comment(make_user(role="designer"), db.session.get(Comment, comment.id), "Off topic")
    assert queries.points(helper.id) == 0
    idea = db.session.get(Idea, comment.idea_id)
    assert not can_mark_helpful(db.session.get(type(author), author.id), idea, db.session.get(Comment, comment.id))


def test_an_invitation_earns_once_the_invitee_contributes(ctx):
    inviter, invitee = make_user(), make_user()
    db.session.add(Invitation(inviter_id=inviter.id, email=invitee.email, accepted_at=utcnow(),
                              accepted_by_id=invitee.id))
    db.session.commit()
    assert queries.points(inviter.id) == 0
    make_idea(invitee)
    assert queries.breakdown(inviter.id).count("invitees") == 1
    assert queries.points(inviter.id) == 5


def test_an_introduction_earns_the_host_when_both_accept(ctx):
    host, a, b = make_user(role="designer"), make_user(), make_user()
    intro = Introduction(host_id=host.id, first_id=a.id, second_id=b.id, note="Meet")
    db.session.add(intro)
    db.session.flush()
    connection = Connection(requester_id=a.id, addressee_id=b.id, introduction_id=intro.id, status="pending",
                            requester_accepted=True, addressee_accepted=False)
    db.session.add(connection)
    db.session.commit()
    assert queries.points(host.id) == 0
    connection.status, connection.addressee_accepted, connection.accepted_at = "accepted", True, utcnow()
    db.session.commit()
    assert queries.points(host.id) == 5
    assert "connector" in [badge.key for badge in queries.profile(host.id).badges]


def test_first_to_answer_a_newcomer(ctx):
    newcomer, first, second = make_user(), make_user(), make_user()
    idea = make_idea(newcomer)
    make_comment(newcomer, idea)  # the author's own comment is not an answer
    make_comment(first, idea)
    make_comment(second, idea)
    assert queries.first_answers(first.id) == 1
    assert queries.first_answers(second.id) == 0


def test_leaderboard_per_product_and_period(ctx):
    product_a = make_prototype().product
    other = make_prototype(product=None)
    from tests.factories import make_product
    product_b_proto = make_prototype(make_product())
    voter_a, voter_b = make_user(display_name="Ada"), make_user(display_name="Bo")
    for _ in range(3):
        idea_services.cast_vote(voter_a, db.session.get(Idea, make_idea(prototype=other).id))
    idea_services.cast_vote(voter_b, db.session.get(Idea, make_idea(prototype=product_b_proto).id))
    everyone = queries.leaderboard()
    assert [leader.user.display_name for leader in everyone][:2] == ["Ada", "Bo"]
    assert [leader.user.display_name for leader in queries.leaderboard(product_a.id)] == ["Ada"]
    assert [leader.user.display_name for leader in queries.leaderboard(product_b_proto.product_id)] == ["Bo"]
    assert queries.leaderboard(since=utcnow() + timedelta(days=1)) == []


def test_recompute_rebuilds_the_cache_exactly(ctx, runner):
    voter = make_user()
    idea_services.cast_vote(voter, db.session.get(Idea, make_idea().id))
    db.session.add(ReputationTotal(user_id=make_user().id, points=99))  # a stale row for someone with nothing
    db.session.commit()
    result = runner.invoke(args=["reputation", "recompute"])
    assert result.exit_code == 0 and "Recomputed" in result.output
    db.session.expire_all()
    assert queries.cached_points([voter.id]) == {voter.id: 1}
    assert db.session.query(ReputationTotal).filter(ReputationTotal.points == 99).count() == 0


def test_trusted_standing_skips_holds_and_link_limits(app, ctx):
    set_hold_first_posts(make_user(role="admin"), True)
    newcomer = make_user()
    links = '<a href="https://a.example">a</a> <a href="https://b.example">b</a> <a href="https://c.example">c</a>'
    assert needs_approval(newcomer)
    with pytest.raises(ValidationError):
        check_links(newcomer, links)
    assert not has_trusted_standing(newcomer)
    app.config["TRUSTED_REPUTATION"] = 3
    try:
        for _ in range(3):  # team members' ideas are not held
            idea_services.cast_vote(newcomer, db.session.get(Idea, make_idea(make_user(role="designer")).id))
        assert has_trusted_standing(newcomer)
        assert not needs_approval(newcomer)
        check_links(newcomer, links)  # no error
    finally:
        app.config.pop("TRUSTED_REPUTATION")
