"""`seed-synthetic`: realistic data whose stored counters equal its rows, on which every main page renders."""

from __future__ import annotations

import hashlib
import statistics

import pytest
from sqlalchemy import func, select, text

from portal.demo.synthetic import SYNTHETIC_PASSWORD
from portal.demo.synthetic_rows import DISCUSSION_COMMENTS
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.ideas.trending import trending_weight
from portal.prototypes.models import Prototype
from portal.triage.models import Status, StatusChange

IDEAS = 200
PRODUCT = "heron-solar-lantern"


def _seed(runner, *extra: str, ideas: int = IDEAS) -> str:
    result = runner.invoke(args=["seed-synthetic", "--ideas", str(ideas), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _grouped(stmt) -> dict[int, int]:
    return dict(db.session.execute(stmt).all())


def test_stored_counters_equal_the_rows_they_count(app, runner):
    _seed(runner)
    with app.app_context():
        ideas = db.session.scalars(select(Idea)).all()
        votes = _grouped(select(Vote.idea_id, func.count()).group_by(Vote.idea_id))
        comments = _grouped(select(Comment.idea_id, func.count()).where(Comment.deleted_at.is_(None))
                            .group_by(Comment.idea_id))
        assert len(ideas) == IDEAS
        assert all(idea.vote_count == votes.get(idea.id, 0) for idea in ideas)
        assert all(idea.comment_count == comments.get(idea.id, 0) for idea in ideas)
        per_prototype = _grouped(select(Idea.prototype_id, func.count()).group_by(Idea.prototype_id))
        for prototype in db.session.scalars(select(Prototype)):
            assert prototype.idea_count == per_prototype.get(prototype.id, 0)


def test_trending_scores_equal_the_weights_of_votes_and_comments(app, runner):
    _seed(runner)
    with app.app_context():
        expected: dict[int, float] = {}
        for model in (Vote, Comment):
            for idea_id, at in db.session.execute(select(model.idea_id, model.created_at)):
                expected[idea_id] = expected.get(idea_id, 0.0) + trending_weight(at)
        for idea in db.session.scalars(select(Idea)):
            assert idea.trending_score == pytest.approx(expected[idea.id], rel=1e-9)


def test_status_history_leads_from_new_to_each_ideas_status(app, runner):
    _seed(runner)
    with app.app_context():
        initial = db.session.scalar(select(Status.id).where(Status.is_initial.is_(True)))
        changes: dict[int, list[StatusChange]] = {}
        for change in db.session.scalars(select(StatusChange).order_by(StatusChange.created_at, StatusChange.id)):
            changes.setdefault(change.idea_id, []).append(change)
        ideas = db.session.scalars(select(Idea)).all()
        assert sum(1 for idea in ideas if idea.status_id != initial) > IDEAS // 5
        for idea in ideas:
            chain = changes.get(idea.id, [])
            assert [c.from_status_id for c in chain] == [initial, *[c.to_status_id for c in chain]][: len(chain)]
            assert (chain[-1].to_status_id if chain else initial) == idea.status_id
            assert all(c.created_at >= idea.created_at for c in chain)


def test_replies_answer_an_opener_of_the_same_idea(app, runner):
    _seed(runner)
    with app.app_context():
        comments = {c.id: c for c in db.session.scalars(select(Comment))}
        replies = [c for c in comments.values() if c.parent_id is not None]
        assert replies
        for reply in replies:
            parent = comments[reply.parent_id]
            assert parent.idea_id == reply.idea_id and parent.parent_id is None
            assert parent.created_at < reply.created_at


def test_votes_are_skewed_like_real_ones(app, runner):
    _seed(runner)
    with app.app_context():
        counts = sorted(db.session.scalars(select(Idea.vote_count)), reverse=True)
        comments = list(db.session.scalars(select(Idea.comment_count)))
    top_tenth = sum(counts[: len(counts) // 10]) / sum(counts)
    assert top_tenth > 0.3, "the top tenth of ideas should hold far more than a tenth of the votes"
    assert counts[0] >= 5 * statistics.median(counts)
    assert statistics.median(counts) <= 6
    assert 4 <= statistics.mean(counts) <= 15
    assert 1.5 <= statistics.mean(comments) <= 5 and DISCUSSION_COMMENTS in comments


def test_search_index_has_one_row_per_idea(app, runner):
    _seed(runner)
    with app.app_context():
        rows = db.session.scalar(text("SELECT count(*) FROM idea_search"))
        assert rows == IDEAS


def _idea_paths(app) -> list[str]:
    with app.app_context():
        discussed = db.session.scalar(select(Idea.id).where(Idea.comment_count == DISCUSSION_COMMENTS))
        top = db.session.scalar(select(Idea.id).where(Idea.hidden_at.is_(None)).order_by(Idea.vote_count.desc()))
    return [f"/ideas/{discussed}", f"/ideas/{top}"]


ANONYMOUS_PAGES = [f"/products/{PRODUCT}", f"/products/{PRODUCT}?sort=top", f"/products/{PRODUCT}?sort=top&page=5",
                   f"/products/{PRODUCT}?sort=new", f"/products/{PRODUCT}?sort=discussed",
                   "/prototypes/heron-lantern-1-0", "/roadmap", "/changelog", "/search?q=battery", "/"]


def test_main_pages_render_on_synthetic_data(app, runner, client):
    _seed(runner)
    for path in ANONYMOUS_PAGES + _idea_paths(app):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
    assert b"No ideas match" not in client.get("/search?q=battery").data


def test_seeded_people_sign_in_and_see_pages(app, runner, client):
    _seed(runner)
    signed_in = client.post("/login", data={"email": "customer1@synthetic.example", "password": SYNTHETIC_PASSWORD})
    assert signed_in.status_code == 302
    for path in [f"/products/{PRODUCT}?sort=top", *_idea_paths(app)]:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200 and b"Sign out" in response.data, path


def test_seeded_people_vote_and_comment_where_addresses_must_be_confirmed(app, runner, client):
    _seed(runner)
    with app.app_context():
        open_ids = select(Status.id).where(Status.kind == "open")
        idea_id = db.session.scalar(select(Idea.id).where(Idea.status_id.in_(open_ids), Idea.hidden_at.is_(None)))
        before = db.session.get(Idea, idea_id).vote_count
    client.post("/login", data={"email": "customer1@synthetic.example", "password": SYNTHETIC_PASSWORD})
    app.config["REQUIRE_EMAIL_VERIFICATION"] = True
    try:
        voted = client.post(f"/ideas/{idea_id}/vote", data={"action": "add"}, headers={"Accept": "application/json"})
        commented = client.post(f"/ideas/{idea_id}/comments", data={"body": "Same problem in our school."})
    finally:
        app.config["REQUIRE_EMAIL_VERIFICATION"] = False
    assert voted.status_code == 200 and voted.json["vote_count"] in (before, before + 1)
    assert commented.status_code == 302


def test_refuses_a_database_with_content_unless_forced(app, runner):
    _seed(runner)
    refused = runner.invoke(args=["seed-synthetic", "--ideas", "50"])
    assert refused.exit_code != 0 and "not empty" in refused.output and "--force" in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Idea)) == IDEAS
    _seed(runner, "--force", ideas=50)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Idea)) == 50


def _digest() -> str:
    rows = db.session.execute(select(Idea.title, Idea.vote_count, Idea.comment_count, Idea.status_id,
                                     Idea.created_at, Idea.trending_score).order_by(Idea.id)).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_the_same_seed_gives_the_same_data(app, runner):
    _seed(runner, "--seed", "7", "--end", "2026-06-01")
    with app.app_context():
        first = _digest()
    _seed(runner, "--seed", "7", "--end", "2026-06-01", "--force")
    with app.app_context():
        assert _digest() == first
    _seed(runner, "--seed", "8", "--end", "2026-06-01", "--force")
    with app.app_context():
        assert _digest() != first
