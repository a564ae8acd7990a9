"""Accounts over HTTP: sign up, sign in and out, settings, public profiles and the admin's role page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from tests.factories import PASSWORD, make_user

FORM = "application/x-www-form-urlencoded"


class _Page(HTMLParser):
    """Reads what a user would see in a form: field values and the message shown beside each field."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.checked: dict[str, bool] = {}
        self.errors: dict[str, str] = {}
        self.form_errors: list[str] = []
        self._capture: tuple[str, str] | None = None
        self._text: list[str] = []
        self._in_form_errors = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""
            self.checked[attrs["name"]] = "checked" in attrs
        elif tag == "textarea" and attrs.get("name"):
            self._start("value", attrs["name"])
        elif tag == "p" and "error" in (attrs.get("class") or "").split() and attrs.get("id", "").endswith("-error"):
            self._start("error", attrs["id"].removesuffix("-error"))
        elif tag == "div" and attrs.get("class") == "form-errors":
            self._in_form_errors = True
        elif tag == "p" and self._in_form_errors:
            self._start("form_error", "")

    def _start(self, kind: str, name: str):
        self._capture, self._text = (kind, name), []

    def handle_data(self, data):
        if self._capture:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._capture and tag in ("textarea", "p"):
            kind, name = self._capture
            text = "".join(self._text)
            if kind == "value":
                self.values[name] = text.removeprefix("\r\n").removeprefix("\n")
            elif kind == "error":
                self.errors[name] = text.strip()
            else:
                self.form_errors.append(text.strip())
            self._capture = None
        elif tag == "div" and self._in_form_errors and not self._capture:
            self._in_form_errors = False


def read(response) -> _Page:
    page = _Page()
    page.feed(response.get_data(as_text=True))
    page.close()
    return page


def user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def fetch_user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


SIGNUP = {"email": "ada@example.com", "display_name": "Ada Lovelace", "password": "analytical-engine"}


# Sign up -----------------------------------------------------------------------------------------------------------

def test_the_sign_up_page_shows_the_form(client):
    page = read(client.get("/signup"))

    assert {"email", "display_name", "password"} <= set(page.values)


def test_signing_up_creates_a_customer_signs_them_in_and_welcomes_them(app, client):
    response = client.post("/signup", data={**SIGNUP, "email": "Ada@Example.COM"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Welcome, Ada Lovelace!" in home
    assert "Sign out" in home
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.role) == ("ada@example.com", "customer")


def test_sign_up_with_a_short_password_keeps_the_email_and_name(app, client):
    response = client.post("/signup", data={**SIGNUP, "password": "short"})

    assert response.status_code == 422
    page = read(response)
    assert page.errors == {"password": "Use between 8 and 200 characters."}
    assert page.values["email"] == "ada@example.com"
    assert page.values["display_name"] == "Ada Lovelace"
    assert page.values["password"] == ""  # a password is never sent back
    assert user_count(app) == 0


@pytest.mark.parametrize("field, value, message", [
    ("email", "", "This field is required."),
    ("email", "   ", "This field is required."),
    ("email", "not-an-email", "doesn't look like an email address"),
    ("email", "ada@@example.com", "doesn't look like an email address"),
    ("email", "a" * 250 + "@example.com", "254 characters or fewer"),
    ("email", "ada\x00@example.com", "control characters"),
    ("email", "ada@example.com\r\nBcc: x@example.com", "control characters"),
    ("display_name", "", "This field is required."),
    ("display_name", " \t ", "This field is required."),
    ("display_name", "A" * 61, "60 characters or fewer"),
    ("display_name", "Ada\x00", "control characters"),
    ("display_name", "Ada\x1b[31m", "control characters"),
    ("display_name", "Ada\u0085", "control characters"),
    ("display_name", "Ada\nLovelace", "control characters"),
    ("password", "", "Choose a password."),
    ("password", "x" * 201, "Use between 8 and 200 characters."),
    ("password", "long enough\x00", "cannot be used"),
])
def test_sign_up_explains_bad_input_beside_the_field_and_keeps_the_rest(app, client, field, value, message):
    response = client.post("/signup", data={**SIGNUP, field: value})

    assert response.status_code == 422
    page = read(response)
    assert message in page.errors[field]
    for other in ("email", "display_name"):
        if other != field:
            assert page.values[other] == SIGNUP[other]
    assert user_count(app) == 0


@pytest.mark.parametrize("body, field, message", [
    (b"email=%FF%FE%40example.com&display_name=Ada&password=long-enough", "email", "invalid UTF-8"),
    (b"email=ada%40example.com&display_name=Ad%C3%28a&password=long-enough", "display_name", "invalid UTF-8"),
    (b"email=ada%40example.com&display_name=%ED%A0%80&password=long-enough", "display_name", "invalid UTF-8"),
    (b"email=ada%40example.com&display_name=Ada&password=long-enough%FF", "password", "cannot be used"),
    (b"email=ada%40example.com&display_name=\xff\xfeAda&password=long-enough", "display_name", "invalid UTF-8"),
])
def test_sign_up_with_invalid_utf8_explains_instead_of_crashing(app, client, body, field, message):
    response = client.post("/signup", data=body, content_type=FORM)

    assert response.status_code == 422
    assert message in read(response).errors[field]
    assert user_count(app) == 0


def test_sign_up_with_a_taken_email_in_other_case_is_refused(app, client):
    with app.app_context():
        make_user(email="ada@example.com")

    response = client.post("/signup", data={**SIGNUP, "email": "ADA@Example.com"})

    assert response.status_code == 422
    page = read(response)
    assert "already exists" in page.errors["email"]
    assert page.values["display_name"] == "Ada Lovelace"
    assert user_count(app) == 1


def test_signing_up_continues_to_a_local_next_page(client):
    response = client.post("/signup", data={**SIGNUP, "next": "/people/1"})

    assert response.headers["Location"] == "/people/1"


# Sign in and out ---------------------------------------------------------------------------------------------------

def test_signing_in_shows_the_person_as_signed_in(app, client, auth):
    with app.app_context():
        user = make_user(display_name="Grace Hopper")

    response = auth.login(user)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/").get_data(as_text=True)
    assert "Signed in as Grace Hopper." in home
    assert "Sign out" in home


def test_signing_in_accepts_the_email_in_any_case(app, client, auth):
    with app.app_context():
        user = make_user(email="grace@example.com")

    assert auth.login(user.email.upper()).status_code == 302


def test_remember_me_sets_a_remember_cookie(app, client, auth):
    with app.app_context():
        user = make_user()

    auth.login(user, remember="y")

    assert client.get_cookie("remember_token") is not None


def test_without_remember_me_there_is_no_remember_cookie(app, client, auth):
    with app.app_context():
        user = make_user()

    auth.login(user)

    assert client.get_cookie("remember_token") is None


def test_the_remember_cookie_alone_signs_the_person_back_in(app, client, auth):
    with app.app_context():
        user = make_user(display_name="Remembered Person")
    auth.login(user, remember="y")
    client.delete_cookie("session")

    assert "Remembered Person" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("email, password", [
    ("grace@example.com", "wrong-password"),
    ("nobody@example.com", PASSWORD),
    ("grace@example.com", "x" * 500),
])
def test_a_wrong_email_or_password_gets_one_message_and_keeps_the_email(app, client, email, password):
    with app.app_context():
        make_user(email="grace@example.com")

    response = client.post("/login", data={"email": email, "password": password})

    assert response.status_code == 422
    page = read(response)
    assert page.form_errors == ["That email and password don't match an account."]
    assert page.values["email"] == email
    assert page.values["password"] == ""


@pytest.mark.parametrize("data, field, message", [
    ({"email": "", "password": PASSWORD}, "email", "This field is required."),
    ({"email": "   ", "password": PASSWORD}, "email", "This field is required."),
    ({"email": "grace@example.com", "password": ""}, "password", "Enter your password."),
    ({"email": "a" * 300, "password": PASSWORD}, "email", "254 characters or fewer"),
    ({"email": "grace\x00@example.com", "password": PASSWORD}, "email", "control characters"),
])
def test_sign_in_explains_missing_or_bad_input(app, client, data, field, message):
    response = client.post("/login", data=data)

    assert response.status_code == 422
    assert message in read(response).errors[field]


@pytest.mark.parametrize("body", [
    b"email=%FF%FE&password=whatever",
    b"email=grace%40example.com&password=%FF%FE%00",
    b"email=%C0%AE%C0%AE&password=%80",
])
def test_sign_in_with_invalid_utf8_never_crashes(app, client, body):
    with app.app_context():
        make_user(email="grace@example.com")

    response = client.post("/login", data=body, content_type=FORM)

    assert response.status_code == 422
    page = read(response)
    assert page.errors or page.form_errors


def test_signing_out_ends_the_session(app, client, auth):
    with app.app_context():
        user = make_user()
    auth.login(user, remember="y")

    response = auth.logout()

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get_cookie("remember_token") is None
    assert "You are signed out." in client.get("/").get_data(as_text=True)
    assert client.get("/settings/profile").status_code == 302


def test_settings_ask_a_visitor_to_sign_in_first(client):
    response = client.get("/settings/profile")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


# Profile settings -------------------------------------------------------------------------------------------------

PROFILE = {"display_name": "Grace Hopper", "company": "Navy", "job_title": "Rear Admiral",
           "bio": "Found a moth.\nWrote a compiler.", "website": "https://example.org/grace"}


def test_the_profile_form_shows_current_values(app, client, auth):
    with app.app_context():
        user = make_user(display_name="Grace")
    auth.login(user)

    page = read(client.get("/settings/profile"))

    assert page.values["display_name"] == "Grace"


def test_saving_the_profile_updates_it(app, client, auth):
    with app.app_context():
        user = make_user()
    auth.login(user)

    response = client.post("/settings/profile", data={**PROFILE, "website_visibility": "everyone"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/settings/profile"
    page = client.get("/settings/profile")
    assert "Your profile is saved." in page.get_data(as_text=True)
    values = read(page).values
    assert {k: values[k] for k in ("display_name", "company", "job_title", "website")} == {
        k: PROFILE[k] for k in ("display_name", "company", "job_title", "website")
    }
    saved = fetch_user(app, user.id)
    assert saved.bio == PROFILE["bio"]
    assert saved.website_visibility == "everyone"
    assert saved.email_visibility == "me"


@pytest.mark.parametrize("field, value, message", [
    ("display_name", "", "This field is required."),
    ("display_name", "   ", "This field is required."),
    ("display_name", "G" * 61, "60 characters or fewer"),
    ("display_name", "Grace\x00", "control characters"),
    ("company", "C" * 101, "100 characters or fewer"),
    ("company", "Navy\x08", "control characters"),
    ("job_title", "Admiral\nof the fleet", "control characters"),
    ("bio", "b" * 501, "500 characters or fewer"),
    ("bio", "Line one\x00", "control characters"),
    ("website", "javascript:alert(1)", "https://"),
    ("website", "example.org", "https://"),
    ("website", "https://example.org/" + "a" * 300, "300 characters or fewer"),
])
def test_profile_problems_show_beside_the_field_and_keep_the_rest(app, client, auth, field, value, message):
    with app.app_context():
        user = make_user(display_name="Original Name")
    auth.login(user)

    response = client.post("/settings/profile", data={**PROFILE, field: value})

    assert response.status_code == 422
    page = read(response)
    assert message in page.errors[field]
    for other in ("display_name", "company", "job_title", "bio", "website"):
        if other != field:
            assert page.values[other] == PROFILE[other]
    assert fetch_user(app, user.id).display_name == "Original Name"


@pytest.mark.parametrize("body, field", [
    (b"display_name=Gr%FFace&company=&job_title=&bio=&website=", "display_name"),
    (b"display_name=Grace&company=%FE%FF&job_title=&bio=&website=", "company"),
    (b"display_name=Grace&company=&job_title=&bio=%C3&website=", "bio"),
])
def test_profile_with_invalid_utf8_explains_instead_of_crashing(app, client, auth, body, field):
    with app.app_context():
        user = make_user()
    auth.login(user)

    response = client.post("/settings/profile", data=body, content_type=FORM)

    assert response.status_code == 422
    assert "invalid UTF-8" in read(response).errors[field]


# Public profile ---------------------------------------------------------------------------------------------------

def _profile_with_contacts(app, client, auth, **choices) -> str:
    with app.app_context():
        user = make_user(email="grace@example.com")
    auth.login(user)
    client.post("/settings/profile", data={**PROFILE, **choices})
    auth.logout()
    return client.get(f"/people/{user.id}").get_data(as_text=True)


def test_a_public_profile_hides_website_and_email_by_default(app, client, auth):
    page = _profile_with_contacts(app, client, auth)

    assert "Grace Hopper" in page
    assert "Rear Admiral at Navy" in page
    assert "https://example.org/grace" not in page
    assert "grace@example.com" not in page


def test_a_public_profile_shows_the_website_when_opted_in(app, client, auth):
    page = _profile_with_contacts(app, client, auth, website_visibility="everyone")

    assert 'href="https://example.org/grace" rel="nofollow ugc noopener me"' in page
    assert "grace@example.com" not in page


def test_a_public_profile_shows_the_email_when_opted_in(app, client, auth):
    page = _profile_with_contacts(app, client, auth, email_visibility="everyone")

    assert 'href="mailto:grace@example.com"' in page
    assert "https://example.org/grace" not in page


def test_a_missing_profile_is_not_found(client):
    assert client.get("/people/987654").status_code == 404


@pytest.mark.parametrize("name", [
    "<script>alert(1)</script>", "{{7*7}}", "' OR 1=1--", '"><img src=x onerror=alert(1)>',
])
def test_hostile_display_names_come_back_as_text(app, client, auth, name):
    with app.app_context():
        user = make_user(display_name=name)
    auth.login(user)
    client.post("/settings/profile", data={**PROFILE, "display_name": name, "bio": name})

    page = client.get(f"/people/{user.id}").get_data(as_text=True)

    assert str(escape(name)) in page
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    if name == "{{7*7}}":
        assert "{{7*7}}" in page
        assert ">49<" not in page


# Password ---------------------------------------------------------------------------------------------------------

def test_changing_the_password_makes_the_new_one_work(app, client, auth):
    with app.app_context():
        user = make_user()
    auth.login(user)

    response = client.post("/settings/password", data={"current_password": PASSWORD,
                                                       "new_password": "a brand new secret"})

    assert response.status_code == 302
    assert "Your password is changed." in client.get("/settings/password").get_data(as_text=True)
    auth.logout()
    assert auth.login(user, PASSWORD).status_code == 422
    assert auth.login(user, "a brand new secret").status_code == 302


@pytest.mark.parametrize("data, field, message", [
    ({"current_password": "not it", "new_password": "a brand new secret"}, "current_password",
     "That is not your current password."),
    ({"current_password": "", "new_password": "a brand new secret"}, "current_password",
     "Enter your current password."),
    ({"current_password": PASSWORD, "new_password": "short"}, "new_password", "Use between 8 and 200 characters."),
    ({"current_password": PASSWORD, "new_password": ""}, "new_password", "Choose a new password."),
    ({"current_password": PASSWORD, "new_password": "y" * 201}, "new_password", "Use between 8 and 200 characters."),
    ({"current_password": PASSWORD, "new_password": "nul\x00inside"}, "new_password", "cannot be used"),
])
def test_password_problems_show_beside_the_field(app, client, auth, data, field, message):
    with app.app_context():
        user = make_user()
    auth.login(user)

    response = client.post("/settings/password", data=data)

    assert response.status_code == 422
    assert message in read(response).errors[field]
    auth.logout()
    assert auth.login(user, PASSWORD).status_code == 302  # the old password still works


def test_a_new_password_with_invalid_utf8_is_refused(app, client, auth):
    with app.app_context():
        user = make_user()
    auth.login(user)

    body = f"current_password={PASSWORD}&new_password=%FF%FEabcdefgh".encode()
    response = client.post("/settings/password", data=body, content_type=FORM)

    assert response.status_code == 422
    assert "cannot be used" in read(response).errors["new_password"]


# Admin: roles -----------------------------------------------------------------------------------------------------

def test_an_admin_sees_people_and_their_roles(app, client, auth):
    with app.app_context():
        admin = make_user(role="admin")
        make_user(display_name="Dev Person", role="developer")
    auth.login(admin)

    response = client.get("/admin/users")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "People and roles" in page
    assert "Dev Person" in page


def test_an_admin_can_search_people(app, client, auth):
    with app.app_context():
        admin = make_user(role="admin", display_name="The Admin")
        make_user(display_name="Findable Person")
        make_user(display_name="Someone Else")
    auth.login(admin)

    page = client.get("/admin/users?q=findable").get_data(as_text=True)

    assert "Findable Person" in page
    assert "Someone Else" not in page


def test_an_admin_changes_a_role(app, client, auth):
    with app.app_context():
        admin = make_user(role="admin")
        person = make_user(display_name="Soon Designer")
    auth.login(admin)

    response = client.post(f"/admin/users/{person.id}/role", data={"role": "designer"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"
    assert "Soon Designer is now designer." in client.get("/admin/users").get_data(as_text=True)
    assert fetch_user(app, person.id).role == "designer"


@pytest.mark.parametrize("role", ["superuser", "", "ADMIN"])
def test_an_unknown_role_is_refused_with_a_message(app, client, auth, role):
    with app.app_context():
        admin = make_user(role="admin")
        person = make_user()
    auth.login(admin)

    client.post(f"/admin/users/{person.id}/role", data={"role": role})

    assert "Choose one of the listed roles." in client.get("/admin/users").get_data(as_text=True)
    assert fetch_user(app, person.id).role == "customer"


def test_the_last_admin_cannot_step_down(app, client, auth):
    with app.app_context():
        admin = make_user(role="admin")
    auth.login(admin)

    client.post(f"/admin/users/{admin.id}/role", data={"role": "customer"})

    assert "at least one admin" in client.get("/admin/users").get_data(as_text=True)
    assert fetch_user(app, admin.id).role == "admin"


@pytest.mark.parametrize("role", ["customer", "developer", "designer"])
def test_only_admins_may_change_roles(app, client, auth, role):
    with app.app_context():
        actor = make_user(role=role)
        person = make_user()
    auth.login(actor)

    assert client.get("/admin/users").status_code == 403
    assert client.post(f"/admin/users/{person.id}/role", data={"role": "admin"}).status_code == 403
    assert fetch_user(app, person.id).role == "customer"
