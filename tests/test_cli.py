"""Command-line tools: demo content and admin creation."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.prototypes.models import Product, Prototype
from tests.factories import make_user


def _totals() -> dict[str, int]:
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (User, Product, Prototype, Idea, Vote, Comment)}


def test_seed_demo_fills_an_empty_database_once(app, runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Seeded" in result.output
    with app.app_context():
        first = _totals()
        stages = set(db.session.scalars(select(Prototype.stage)))
        roles = {u.email: u.role for u in db.session.scalars(select(User))}
    assert first["Product"] == 1 and first["Idea"] >= 35 and first["Comment"] > 0
    assert {"concept", "prototype", "pilot"} <= stages
    assert roles["admin@example.com"] == "admin" and roles["customer@example.com"] == "customer"
    assert roles["designer@example.com"] == "designer" and roles["developer@example.com"] == "developer"

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "already present" in again.output
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "skipped" in skipped.output
    with app.app_context():
        assert _totals() == first


def test_seeded_counters_equal_the_rows_they_count(app, runner):
    runner.invoke(args=["seed-demo"])
    with app.app_context():
        for idea in db.session.scalars(select(Idea)):
            votes = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.idea_id == idea.id))
            comments = db.session.scalar(select(func.count()).select_from(Comment).where(
                Comment.idea_id == idea.id, Comment.deleted_at.is_(None)))
            assert (idea.vote_count, idea.comment_count) == (votes, comments)
        for prototype in db.session.scalars(select(Prototype)):
            ideas = db.session.scalar(select(func.count()).select_from(Idea).where(Idea.prototype_id == prototype.id))
            assert prototype.idea_count == ideas


def test_demo_accounts_sign_in_with_the_demo_password(app, runner, client):
    runner.invoke(args=["seed-demo"])
    response = client.post("/login", data={"email": "designer@example.com", "password": "demo-password"})
    assert response.status_code == 302
    assert client.get("/products/new").status_code == 200


def test_create_admin_promotes_an_existing_account(app, runner):
    with app.app_context():
        make_user(email="lead@example.org")
    result = runner.invoke(args=["users", "create-admin", "LEAD@example.org"])
    assert result.exit_code == 0 and "Promoted lead@example.org" in result.output
    with app.app_context():
        assert db.session.scalar(select(User.role).where(User.email == "lead@example.org")) == "admin"


def test_create_admin_creates_an_account_with_a_prompted_password(app, runner, client):
    result = runner.invoke(args=["users", "create-admin", "new-admin@example.org"],
                           input="a-strong-password\na-strong-password\n")
    assert result.exit_code == 0, result.output
    assert "Created new-admin@example.org" in result.output
    client.post("/login", data={"email": "new-admin@example.org", "password": "a-strong-password"})
    assert client.get("/admin/users").status_code == 200


def test_create_admin_refuses_a_short_password_with_a_message(app, runner):
    result = runner.invoke(args=["users", "create-admin", "x@example.org", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output


def test_rerender_markup_refreshes_stored_html(app, runner):
    from tests.factories import make_idea

    with app.app_context():
        idea_id = make_idea(body="Some **bold** text").id
        db.session.get(Idea, idea_id).body_html = "<p>stale</p>"
        db.session.commit()
    result = runner.invoke(args=["rerender-markup"])
    assert result.exit_code == 0, result.output
    assert "1 idea" in result.output
    with app.app_context():
        assert db.session.get(Idea, idea_id).body_html == "<p>Some <strong>bold</strong> text</p>"
