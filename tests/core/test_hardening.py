"""Odd but possible requests: duplicated deletes, hostile query strings, ids beyond the columns, half-valid forms."""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas import services
from portal.ideas.models import Comment, Idea
from portal.markup import render_markdown
from portal.prototypes.models import Prototype
from tests.factories import make_comment, make_idea, make_user


def _run_together(target, count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run() -> None:
        try:
            barrier.wait()
            target()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_a_double_submitted_idea_delete_counts_the_idea_out_once(app):
    with app.app_context():
        author = make_user()
        idea = make_idea(author=author)
        make_idea(author=author, prototype=idea.prototype)

    def delete() -> None:
        with app.app_context():
            current = db.session.get(Idea, idea.id)
            if current is not None:
                services.delete_idea(db.session.get(User, author.id), current)

    assert _run_together(delete, 4) == []
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(Idea).where(Idea.prototype_id == idea.prototype_id))
        assert db.session.get(Prototype, idea.prototype_id).idea_count == rows == 1


def test_a_double_submitted_comment_delete_counts_the_comment_out_once(app):
    with app.app_context():
        author = make_user()
        idea = make_idea()
        comment = make_comment(author, idea, "First")
        make_comment(make_user(), idea, "Second")

    def delete() -> None:
        with app.app_context():
            current = db.session.get(Comment, comment.id)
            if current is not None and not current.is_deleted:
                services.delete_comment(db.session.get(User, author.id), current)

    assert _run_together(delete, 4) == []
    with app.app_context():
        visible = db.session.scalar(select(func.count()).select_from(Comment).where(
            Comment.idea_id == idea.id, Comment.deleted_at.is_(None)))
        assert db.session.get(Idea, idea.id).comment_count == visible == 1


@pytest.mark.parametrize("query", ["?slug=x", "?_external=1", "?_anchor=x&sort=top", "?endpoint=x&page=2"])
def test_query_arguments_named_like_route_arguments_are_harmless(app, client, query):
    with app.app_context():
        idea = make_idea()
        product_slug, prototype_slug = idea.product.slug, idea.prototype.slug
    for path in (f"/products/{product_slug}", f"/prototypes/{prototype_slug}"):
        response = client.get(path + query)
        assert response.status_code == 200
        assert 'href="http' not in response.get_data(as_text=True).split("<main")[1].split("sort-tabs")[0]


@pytest.mark.parametrize("path", [
    "/products/%00", "/prototypes/a%00b", "/ideas/new?product=%00", "/ideas/3000000000",
    "/ideas/99999999999999999999", "/people/99999999999999999999", "/prototypes/" + "a" * 500,
    "/search?q=battery&tag=2147483648", "/roadmap?tag=2147483648", "/search?q=x&product=99999999999999",
    "/ideas/similar?title=battery&prototype=%00",
])
def test_malformed_slugs_and_ids_beyond_the_columns_are_not_found(app, client, auth, path):
    with app.app_context():
        user = make_user()
    auth.login(user)
    response = client.get(path)
    assert response.status_code in (200, 404)


def test_a_reply_to_a_comment_deleted_meanwhile_is_refused_with_a_message(app, client, auth):
    with app.app_context():
        user = make_user()
        idea = make_idea()
    auth.login(user)
    response = client.post(f"/ideas/{idea.id}/comments", data={"body": "My careful reply", "parent_id": "424242"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "was deleted" in html and "My careful reply" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_a_refused_profile_change_shows_nothing_as_saved(app, client, auth):
    with app.app_context():
        user = make_user(display_name="Original Name")
    auth.login(user)
    response = client.post("/settings/profile", data={"display_name": "Not Saved Name", "website": "ftp://x"})
    html = response.get_data(as_text=True)
    assert "Start the address with https://" in html
    header = html.split("</header>")[0]
    assert "Original Name" in header and "Not Saved Name" not in header
    with app.app_context():
        assert db.session.get(User, user.id).display_name == "Original Name"


def test_pages_cannot_be_framed_or_sniffed(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/no-such-page").headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("bomb", ["<a " * 3333, "<p " * 3333, "<a/" * 3333])
def test_thousands_of_raw_tags_are_refused_quickly(bomb):
    with pytest.raises(ValidationError, match="HTML tags"):
        render_markdown(bomb)


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app):
    from portal.accounts.services import set_role

    with app.app_context():
        first, second = make_user(role="admin"), make_user(role="admin")
    pairs = iter([(first.id, second.id), (second.id, first.id)])
    lock = threading.Lock()

    def demote() -> None:
        with lock:
            actor_id, target_id = next(pairs)
        # The second is told the portal needs an admin, or is no longer an admin by the time it acts.
        with app.app_context(), contextlib.suppress(ValidationError, PermissionDenied):
            set_role(db.session.get(User, actor_id), db.session.get(User, target_id), "customer")

    assert _run_together(demote, 2) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.role == "admin")) == 1
