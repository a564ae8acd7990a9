"""Spam: a honeypot and a minimum fill time on the public forms; few links from accounts without standing."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.core.spam import _signer
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas import services
from portal.ideas.models import Comment, Idea
from portal.moderation.links import has_standing, outward_links
from tests.factories import PASSWORD, make_comment, make_idea, make_prototype, make_user

THREE_LINKS = "See https://spam.example/a, https://spam.example/b and [this](https://spam.example/c)."
TWO_LINKS = "See https://example.org/a and https://example.org/b."


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _field(page: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]*)"', page).group(1)


def _waited(app, seconds: float = 5.0) -> str:
    """A stamp as if the form had been shown `seconds` ago."""
    with app.app_context():
        return _signer().sign(f"{time.time() - seconds:.3f}").decode()


@pytest.fixture
def timed(make_app):
    """An app that enforces the two-second minimum (the shared test app has it at 0)."""
    return make_app(SPAM_MIN_FILL_SECONDS=2)


def _signup(client, **extra):
    return client.post("/signup", data={"email": "bot@example.org", "display_name": "Totally Human",
                                        "password": "a-long-password", **extra})


# The honeypot --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/signup", "/ideas/new"])
def test_public_forms_carry_a_honeypot_hidden_from_people_and_screen_readers(app, client, auth, path):
    with app.app_context():
        make_prototype()
        auth.login(make_user())
    page = client.get(path).get_data(as_text=True)

    trap = re.search(r'<div class="form-extra" aria-hidden="true">.*?</div>', page, re.S).group(0)
    assert 'name="website_url"' in trap and 'tabindex="-1"' in trap and 'autocomplete="off"' in trap
    assert 'value=""' in trap
    assert re.search(r'<input[^>]*name="form_shown"[^>]*type="hidden"|type="hidden"[^>]*name="form_shown"', page)


def test_the_comment_and_reply_forms_carry_the_traps_with_unique_ids(app, client, auth):
    with app.app_context():
        idea = make_idea()
        make_comment(idea.author, idea, "First")
        make_comment(idea.author, idea, "Second")
        auth.login(make_user())
    page = client.get(f"/ideas/{idea.id}", follow_redirects=True).get_data(as_text=True)

    assert page.count('name="website_url"') == 3  # the comment form and two reply forms
    assert page.count('name="form_shown"') == 3
    ids = re.findall(r'id="(website_url[^"]*)"', page)
    assert len(ids) == len(set(ids)) == 3


def test_a_bot_filling_the_honeypot_on_sign_up_is_refused_politely_and_nothing_is_saved(app, client):
    response = _signup(client, website_url="https://cheap-pills.example")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "If you are a person, please send it again" in page
    assert 'value="bot@example.org"' in page  # what was typed is kept
    with app.app_context():
        assert _count(User) == 0


def test_a_honeypot_filled_on_a_new_idea_or_comment_saves_nothing(app, client, auth):
    with app.app_context():
        prototype = make_prototype()
        idea = make_idea()
        auth.login(make_user())
        ideas_before, comments_before = _count(Idea), _count(Comment)

    refused_idea = client.post("/ideas/new", data={"prototype": prototype.slug, "title": "Buy cheap things now",
                                                   "body": "", "confirmed": "1", "website_url": "x"})
    refused_comment = client.post(f"/ideas/{idea.id}/comments", data={"body": "Great post", "website_url": "x"})

    assert refused_idea.status_code == refused_comment.status_code == 422
    with app.app_context():
        assert (_count(Idea), _count(Comment)) == (ideas_before, comments_before)


# The minimum fill time ------------------------------------------------------------------------------------------


def test_a_sign_up_sent_faster_than_a_person_types_is_refused(timed):
    client = timed.test_client()
    stamp = _field(client.get("/signup").get_data(as_text=True), "form_shown")

    response = _signup(client, form_shown=stamp)

    assert response.status_code == 422
    assert "quicker than a person usually fills in this form" in response.get_data(as_text=True)
    with timed.app_context():
        assert _count(User) == 0


def test_a_sign_up_sent_after_a_human_pause_is_accepted(timed):
    client = timed.test_client()

    response = _signup(client, form_shown=_waited(timed))

    assert response.status_code == 302
    with timed.app_context():
        assert _count(User) == 1


@pytest.mark.parametrize("stamp", [None, "", "1700000000.000", "1700000000.000.forged-signature"])
def test_a_missing_or_forged_time_stamp_is_refused(timed, stamp):
    data = {} if stamp is None else {"form_shown": stamp}

    assert _signup(timed.test_client(), **data).status_code == 422


def test_a_refused_form_comes_back_with_a_fresh_stamp_so_a_person_can_send_it_again(timed):
    client = timed.test_client()
    page = _signup(client, form_shown="forged").get_data(as_text=True)
    fresh = _field(page, "form_shown")
    with timed.app_context():
        assert 0 <= time.time() - float(_signer().unsign(fresh).decode()) < 5


def test_a_reply_from_the_hand_written_reply_form_passes_after_a_pause(app, timed):
    with app.app_context():
        idea = make_idea()
        opener = make_comment(idea.author, idea, "An opener")
        replier = make_user()
    client = timed.test_client()
    client.post("/login", data={"email": replier.email, "password": PASSWORD})
    page = client.get(f"/ideas/{idea.id}", follow_redirects=True).get_data(as_text=True)
    reply_form = page[page.index(f'name="parent_id" value="{opener.id}"'):]
    stamp = _field(reply_form, "form_shown")

    too_fast = client.post(f"/ideas/{idea.id}/comments",
                           data={"body": "A reply", "parent_id": opener.id, "form_shown": stamp, "website_url": ""})
    assert too_fast.status_code == 422

    accepted = client.post(f"/ideas/{idea.id}/comments", data={"body": "A reply", "parent_id": opener.id,
                                                               "form_shown": _waited(timed), "website_url": ""})
    assert accepted.status_code == 302


# Links from accounts without standing ---------------------------------------------------------------------------


def _aged(user: User, days: float = 2) -> User:
    user.created_at = utcnow() - timedelta(days=days)
    db.session.commit()
    return user


def test_a_new_account_may_post_two_links_but_not_three(ctx):
    newcomer, prototype = make_user(), make_prototype()

    services.submit_idea(newcomer, prototype, "Two links are fine", TWO_LINKS)
    with pytest.raises(ValidationError) as refused:
        services.submit_idea(newcomer, prototype, "Three links are not", THREE_LINKS)

    assert "at most 2 links" in refused.value.errors["body"]
    assert _count(Idea) == 1


def test_a_new_account_cannot_comment_with_many_links_or_add_them_by_editing(ctx):
    idea, newcomer = make_idea(), make_user()
    with pytest.raises(ValidationError):
        services.add_comment(newcomer, idea, THREE_LINKS)
    comment = services.add_comment(newcomer, idea, "Harmless at first")

    with pytest.raises(ValidationError):
        services.edit_comment(newcomer, comment, THREE_LINKS)
    db.session.rollback()
    assert db.session.get(Comment, comment.id).body == "Harmless at first"


def test_an_old_account_without_an_approved_post_has_no_standing_yet(ctx):
    veteran = _aged(make_user())
    assert not has_standing(veteran)
    with pytest.raises(ValidationError):
        services.submit_idea(veteran, make_prototype(), "Links from a quiet account", THREE_LINKS)


def test_an_account_with_age_and_an_approved_post_may_link_freely(ctx):
    regular = _aged(make_user())
    make_idea(author=regular, body="My first, link-free idea")

    assert has_standing(regular)
    services.submit_idea(regular, make_prototype(), "A well sourced idea", THREE_LINKS)


def test_a_new_account_with_a_post_is_still_too_young(ctx):
    newcomer = make_user()
    make_idea(author=newcomer)
    assert not has_standing(newcomer)


def test_the_team_may_always_link(ctx):
    designer = make_user(role="designer")
    services.submit_idea(designer, make_prototype(), "Sources for the redesign", THREE_LINKS)


def test_links_to_our_own_site_and_mentions_do_not_count(ctx):
    html = ('<a href="http://portal.test/ideas/1">x</a><a href="/people/3" class="mention">@Ada</a>'
            '<a href="https://other.example/">y</a><img src="//cdn.example/i.png">')
    assert outward_links(html) == 2


def test_a_refused_comment_says_why_beside_the_field(app, client, auth):
    with app.app_context():
        idea = make_idea()
        auth.login(make_user())

    response = client.post(f"/ideas/{idea.id}/comments", data={"body": THREE_LINKS})

    assert response.status_code == 422
    assert "New accounts can include at most 2 links" in response.get_data(as_text=True)
    with app.app_context():
        assert _count(Comment) == 0


def test_the_allowance_is_configurable(make_app, app):
    strict = make_app(LINKS_WITHOUT_STANDING=0)
    with strict.app_context(), pytest.raises(ValidationError, match="at most 0 links"):
        services.submit_idea(make_user(), make_prototype(), "Even one link", "https://example.org")
