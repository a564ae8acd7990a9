"""Many people voting and unvoting one idea at the same moment: the count always equals the vote rows."""

from __future__ import annotations

import random
import threading

from sqlalchemy import func, select

from portal.extensions import db
from portal.ideas import services
from portal.ideas.models import Idea, Vote
from tests.factories import PASSWORD, make_idea, make_user

VOTERS = 8
ROUNDS = 12


def _counts(app, idea_id: int) -> tuple[int, int]:
    with app.app_context():
        stored = db.session.scalar(select(Idea.vote_count).where(Idea.id == idea_id))
        rows = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.idea_id == idea_id))
        return stored, rows


def _run_threads(target, count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def wrapped(i: int) -> None:
        try:
            barrier.wait()
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_concurrent_http_votes_keep_the_count_equal_to_the_rows(app):
    with app.app_context():
        voters = [make_user() for _ in range(VOTERS)]
        idea = make_idea()
    statuses: list[int] = []

    def vote_and_unvote(i: int) -> None:
        client = app.test_client()
        assert client.post("/login", data={"email": voters[i].email, "password": PASSWORD}).status_code == 302
        rng = random.Random(i)
        for _ in range(ROUNDS):
            action = rng.choice(["add", "remove", "add"])
            response = client.post(f"/ideas/{idea.id}/vote", data={"action": action},
                                   headers={"Accept": "application/json"})
            statuses.append(response.status_code)

    errors = _run_threads(vote_and_unvote, VOTERS)
    assert errors == []
    assert set(statuses) == {200}
    stored, rows = _counts(app, idea.id)
    assert stored == rows


def test_the_same_person_double_clicking_vote_counts_once(app):
    with app.app_context():
        voter = make_user()
        idea = make_idea()

    def cast(_: int) -> None:
        with app.app_context():
            services.cast_vote(db.session.get(type(voter), voter.id), db.session.get(Idea, idea.id))

    assert _run_threads(cast, 6) == []
    assert _counts(app, idea.id) == (2, 2)  # the author's vote and this one


def test_one_person_voting_on_many_ideas_at_once_keeps_their_reputation_exact(app):
    from portal.reputation.models import ReputationTotal
    from portal.reputation.queries import points
    from portal.reputation.scoring import RULES_BY_KEY

    cap = RULES_BY_KEY["votes"].cap
    with app.app_context():
        voter = make_user()
        voter_id, user_class = voter.id, type(voter)
        earlier = [make_idea().id for _ in range(cap - 3)]
        ideas = [make_idea().id for _ in range(8)]
        for idea_id in earlier:  # three short of the cap: the parallel votes cross it
            services.cast_vote(voter, idea_id)

    def cast(i: int) -> None:
        with app.app_context():
            services.cast_vote(db.session.get(user_class, voter_id), ideas[i])

    assert _run_threads(cast, len(ideas)) == []
    with app.app_context():
        assert db.session.get(ReputationTotal, voter_id).points == points(voter_id) == cap
