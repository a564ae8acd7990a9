"""The cached totals /people sorts by stay exact: every change that moves points recounts them (a vote moves them
by the stored count of counted votes) at once."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas import services as idea_services
from portal.ideas.models import Comment, Idea
from portal.invitations import services as invitations
from portal.invitations.tokens import make_token
from portal.moderation.services import approve_comment, hide_idea, set_hold_first_posts
from portal.network import services as network
from portal.network.queries import connection_between
from portal.reputation import services
from portal.reputation.models import ReputationTotal
from portal.reputation.queries import counts_by_user
from portal.reputation.scoring import RULES_BY_KEY, score
from portal.reputation.totals import refresh_totals
from portal.triage.statuses import initial_status, set_status, status_by_name
from tests.factories import PASSWORD, make_comment, make_idea, make_user


def _cached() -> dict[int, int]:
    db.session.expire_all()
    return {row.user_id: row.points for row in db.session.scalars(select(ReputationTotal))}


def _assert_exact() -> None:
    """Every person's cached total, and their count of counted votes, equal what a full recompute (`flask
    reputation recompute`) stores."""
    counts = counts_by_user()
    recomputed = {user_id: score(c).total for user_id, c in counts.items()}
    cached = _cached()
    votes = {row.user_id: row.votes_counted for row in db.session.scalars(select(ReputationTotal))}
    for user_id in db.session.scalars(select(User.id)):
        assert cached.get(user_id, 0) == recomputed.get(user_id, 0), f"user {user_id}"
        assert votes.get(user_id, 0) == counts.get(user_id, {}).get("votes", 0), f"user {user_id}'s votes"


def _points(user: User) -> int:
    return _cached().get(user.id, 0)


def test_voting_and_unvoting_keep_the_voters_total_exact(ctx):
    voter, idea = make_user(), make_idea()
    idea_services.cast_vote(voter, db.session.get(Idea, idea.id))
    assert _points(voter) == 1
    _assert_exact()
    idea_services.remove_vote(voter, db.session.get(Idea, idea.id))
    assert _points(voter) == 0
    _assert_exact()


def test_shipping_and_unshipping_an_idea_keep_its_authors_total_exact(ctx):
    author, designer = make_user(), make_user(role="designer")
    idea = make_idea(author)
    initial_status()
    set_status(designer, db.session.get(Idea, idea.id), status_by_name("Shipped"))
    assert _points(author) == 10
    _assert_exact()
    set_status(designer, db.session.get(Idea, idea.id), initial_status())
    assert _points(author) == 0
    _assert_exact()


def test_helpful_marks_keep_the_commenters_total_exact(ctx):
    author, helper = make_user(), make_user()
    comment = make_comment(helper, make_idea(author))
    services.set_helpful(author, db.session.get(Comment, comment.id), True)
    assert _points(helper) == 5
    _assert_exact()
    services.set_helpful(author, db.session.get(Comment, comment.id), False)
    assert _points(helper) == 0
    _assert_exact()


def test_an_introduction_both_accept_keeps_the_hosts_total_exact_and_ending_it_takes_the_points_back(ctx):
    host, ada, bob = make_user(role="designer"), make_user(), make_user()
    make_idea(author=ada)
    network.introduce(host, ada, bob, "You both asked for offline maps: meet")
    row_id = connection_between(ada.id, bob.id).id
    network.accept_connection(db.session.get(User, ada.id), row_id)
    assert _points(host) == 0  # one of two has accepted
    network.accept_connection(db.session.get(User, bob.id), row_id)
    assert _points(host) == 5
    _assert_exact()
    network.disconnect(db.session.get(User, ada.id), db.session.get(User, bob.id))
    assert _points(host) == 0
    _assert_exact()


def _join_through_invitation(inviter: User, email: str) -> User:
    invitation = invitations.send_invitations(inviter, email, "Come and help")[0]
    joined = invitations.join(make_token(invitation.id, invitation.email), email, "New Person", PASSWORD)
    return db.session.get(User, joined.user.id)


def test_an_invitees_first_idea_or_comment_keeps_the_inviters_total_exact(ctx):
    inviter, other_inviter = make_user(), make_user()
    invitee = _join_through_invitation(inviter, "newcomer@example.org")
    assert _points(inviter) == 0  # joining alone earns nothing
    idea_services.submit_idea(invitee, make_idea().prototype, "Longer battery life please")
    assert _points(inviter) == 5
    _assert_exact()
    commenter = _join_through_invitation(other_inviter, "commenter@example.org")
    make_comment(commenter, make_idea())
    assert _points(other_inviter) == 5
    _assert_exact()


def test_an_invitees_held_comment_counts_when_the_team_approves_it(ctx):
    admin, inviter, idea = make_user(role="admin"), make_user(), make_idea()
    set_hold_first_posts(admin, True)
    invitee = _join_through_invitation(inviter, "held@example.org")
    comment = make_comment(invitee, idea)
    assert _points(inviter) == 0  # held: not a contribution yet
    approve_comment(admin, db.session.get(Comment, comment.id))
    assert _points(inviter) == 5
    _assert_exact()


def test_refreshing_costs_one_statement_per_person(ctx, count_queries):
    people = [make_user() for _ in range(3)]
    with count_queries() as statements:
        refresh_totals([p.id for p in people] + [people[0].id, None])
    assert len(statements) == 3
    _assert_exact()


def test_the_vote_cap_holds_in_the_cached_total(ctx):
    voter, prototype = make_user(), make_idea().prototype
    for n in range(RULES_BY_KEY["votes"].cap + 2):
        idea = idea_services.submit_idea(make_user(), prototype, f"Idea number {n} to vote on")
        idea_services.cast_vote(voter, db.session.get(Idea, idea.id))
    assert _points(voter) == RULES_BY_KEY["votes"].cap
    _assert_exact()


def test_votes_on_hidden_ideas_and_ones_own_earn_nothing_in_the_cached_total(ctx):
    voter, moderator = make_user(), make_user(role="designer")
    own, hidden, counted = make_idea(voter), make_idea(), make_idea()
    for idea in (own, hidden, counted):
        idea_services.cast_vote(voter, idea.id)
    hide_idea(moderator, db.session.get(Idea, hidden.id), "Spam")
    refresh_totals([voter.id])  # hiding an idea leaves its voters' totals to their next change or the recompute
    assert _points(voter) == 1
    _assert_exact()


def test_an_inviters_own_votes_stay_in_the_total_an_invitee_earns_them(ctx):
    inviter, other_inviter = make_user(), make_user()
    for _ in range(3):
        idea_services.cast_vote(inviter, make_idea().id)
    idea_services.cast_vote(other_inviter, make_idea().id)
    invitee = _join_through_invitation(inviter, "voter-invitee@example.org")
    _join_through_invitation(other_inviter, "quiet-invitee@example.org")
    make_comment(invitee, make_idea())
    assert _points(inviter) == 3 + 5  # only the inviter's own votes, counted beside the invitee's contribution
    assert _points(other_inviter) == 1
    _assert_exact()



def test_votes_around_the_cap_move_the_total_only_below_it(ctx):
    cap = RULES_BY_KEY["votes"].cap
    voter, author = make_user(), make_user()
    ideas = [make_idea(author).id for _ in range(cap + 2)]
    own = make_idea(voter).id  # posting it cast the voter's own vote: that earns nothing
    for idea_id in ideas[:cap - 1]:
        idea_services.cast_vote(voter, idea_id)
    assert _points(voter) == cap - 1

    idea_services.cast_vote(voter, ideas[cap - 1])  # the vote that reaches the cap
    assert _points(voter) == cap
    idea_services.cast_vote(voter, ideas[cap])  # past it: nothing more
    assert _points(voter) == cap
    idea_services.remove_vote(voter, ideas[0])  # still at the cap with the one past it
    assert _points(voter) == cap
    idea_services.remove_vote(voter, ideas[1])  # now below it
    assert _points(voter) == cap - 1
    idea_services.remove_vote(voter, own)
    idea_services.cast_vote(voter, own)
    assert _points(voter) == cap - 1
    _assert_exact()



def test_a_vote_moves_the_total_in_one_statement_without_counting(ctx, count_queries):
    voter, author = make_user(), make_user()
    ideas = [make_idea(author).id for _ in range(3)]
    idea_services.cast_vote(voter, ideas[0])  # the voter's first: their total is counted whole
    with count_queries() as statements:
        idea_services.cast_vote(voter, ideas[1])
        idea_services.remove_vote(voter, ideas[0])
    reputation = [s for s in statements if "reputation_total" in s]
    assert len(reputation) == 2 and not any(re.search(r'\b(FROM|JOIN) "?vote"?\b', s) for s in reputation)
    assert _points(voter) == 1
    _assert_exact()


def test_recompute_stores_each_persons_counted_votes(ctx):
    voter, author = make_user(), make_user()
    for idea in (make_idea(author), make_idea(author), make_idea(voter)):
        idea_services.cast_vote(voter, idea.id)
    db.session.execute(ReputationTotal.__table__.update().values(votes_counted=0, points=0))
    db.session.commit()
    services.recompute_all()
    _assert_exact()
