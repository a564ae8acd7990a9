"""Account rules at the service level: sign-up, sign-in, profile, password and roles."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.accounts import services
from portal.accounts.models import User
from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from tests.factories import PASSWORD, make_user


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


# register_user -------------------------------------------------------------------------------------------------


def test_signing_up_creates_a_customer_with_a_lower_cased_email(ctx):
    user = services.register_user("Ada@Example.COM", "Ada", "long enough password")

    assert user.id is not None
    assert user.email == "ada@example.com"
    assert user.display_name == "Ada"
    assert user.role == "customer"


def test_an_email_differing_only_in_case_cannot_sign_up_twice(ctx):
    services.register_user("A@Example.com", "First", "long enough password")

    with pytest.raises(ValidationError) as exc:
        services.register_user("a@example.com", "Second", "another long password")

    assert "email" in exc.value.errors
    assert _user_count() == 1


def test_a_password_shorter_than_eight_characters_is_rejected(ctx):
    with pytest.raises(ValidationError) as exc:
        services.register_user("short@example.com", "Shorty", "1234567")

    assert "password" in exc.value.errors
    assert _user_count() == 0


def test_a_password_of_exactly_eight_characters_is_accepted(ctx):
    assert services.register_user("eight@example.com", "Eight", "12345678").id is not None


def test_an_invalid_email_address_is_rejected(ctx):
    with pytest.raises(ValidationError) as exc:
        services.register_user("not-an-address", "Nobody", "long enough password")

    assert "email" in exc.value.errors


def test_the_password_is_stored_as_an_scrypt_hash_never_as_plaintext(ctx):
    user = services.register_user("hash@example.com", "Hash", "my secret phrase")
    db.session.expire_all()
    stored = db.session.get(User, user.id).password_hash

    assert stored.startswith("scrypt:")
    assert "my secret phrase" not in stored


# authenticate ---------------------------------------------------------------------------------------------------


def test_signing_in_with_the_right_password_returns_the_user(ctx):
    user = make_user(email="right@example.com")

    assert services.authenticate("right@example.com", PASSWORD).id == user.id


def test_signing_in_ignores_the_case_and_surrounding_spaces_of_the_email(ctx):
    user = make_user(email="mixed@example.com")

    assert services.authenticate("  Mixed@Example.COM ", PASSWORD).id == user.id


def test_signing_in_with_the_wrong_password_fails(ctx):
    make_user(email="wrong@example.com")

    assert services.authenticate("wrong@example.com", PASSWORD + "x") is None


def test_signing_in_with_an_unknown_email_fails(ctx):
    assert services.authenticate("nobody@example.com", PASSWORD) is None


def test_signing_in_with_nothing_filled_in_fails(ctx):
    make_user()

    assert services.authenticate(None, None) is None
    assert services.authenticate("", "") is None


# update_profile -------------------------------------------------------------------------------------------------


def test_updating_the_profile_saves_every_field(ctx):
    user = make_user()

    services.update_profile(user, display_name="  New Name ", company="Acme", job_title="Engineer",
                            bio="Line one\nLine two", contacts={"website": "https://example.org"},
                            visibility={"website": "everyone", "email": "members"})
    db.session.expire_all()
    saved = db.session.get(User, user.id)

    assert (saved.display_name, saved.company, saved.job_title) == ("New Name", "Acme", "Engineer")
    assert saved.bio == "Line one\nLine two"
    assert saved.website == "https://example.org"
    assert saved.website_visibility == "everyone"
    assert saved.email_visibility == "members"
    assert saved.phone_visibility == "me"


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://example.org", "example.org", "//example.org"])
def test_a_website_that_is_not_http_or_https_is_rejected(ctx, website):
    user = make_user()

    with pytest.raises(ValidationError) as exc:
        services.update_profile(user, display_name="Someone", contacts={"website": website})

    assert "website" in exc.value.errors


@pytest.mark.parametrize("website", ["http://example.org", "HTTPS://example.org/me"])
def test_an_http_or_https_website_is_accepted(ctx, website):
    user = make_user()

    assert services.update_profile(user, display_name="Someone", contacts={"website": website}).website == website


def test_a_blank_website_is_stored_empty(ctx):
    user = make_user()

    services.update_profile(user, display_name="Someone", contacts={"website": "   "},
                            visibility={"website": "everyone"})

    assert user.website == ""


def test_an_empty_display_name_is_rejected(ctx):
    user = make_user()

    with pytest.raises(ValidationError) as exc:
        services.update_profile(user, display_name="   ")

    assert "display_name" in exc.value.errors


# change_password ------------------------------------------------------------------------------------------------


def test_changing_password_with_the_wrong_current_password_is_rejected(ctx):
    user = make_user(email="pw@example.com")

    with pytest.raises(ValidationError) as exc:
        services.change_password(user, "not my password", "a brand new password")

    assert "current_password" in exc.value.errors
    assert services.authenticate("pw@example.com", PASSWORD) is not None


def test_a_new_password_that_is_too_short_is_rejected(ctx):
    user = make_user()

    with pytest.raises(ValidationError) as exc:
        services.change_password(user, PASSWORD, "short")

    assert "new_password" in exc.value.errors


def test_after_changing_password_only_the_new_one_signs_in(ctx):
    user = make_user(email="change@example.com")

    services.change_password(user, PASSWORD, "a brand new password")

    assert services.authenticate("change@example.com", "a brand new password").id == user.id
    assert services.authenticate("change@example.com", PASSWORD) is None


# set_role -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor_role", ["customer", "developer", "designer"])
def test_only_admins_can_change_roles(ctx, actor_role):
    actor = make_user(role=actor_role)
    target = make_user()

    with pytest.raises(PermissionDenied):
        services.set_role(actor, target, "designer")

    db.session.expire_all()
    assert db.session.get(User, target.id).role == "customer"


@pytest.mark.parametrize("role", ["customer", "developer", "designer", "admin"])
def test_an_admin_can_give_any_role(ctx, role):
    admin = make_user(role="admin")
    target = make_user()

    services.set_role(admin, target, role)

    db.session.expire_all()
    assert db.session.get(User, target.id).role == role


@pytest.mark.parametrize("role", ["superuser", "", "Admin"])
def test_an_unknown_role_is_rejected(ctx, role):
    admin = make_user(role="admin")
    target = make_user()

    with pytest.raises(ValidationError) as exc:
        services.set_role(admin, target, role)

    assert "role" in exc.value.errors


def test_the_last_admin_cannot_be_demoted(ctx):
    admin = make_user(role="admin")

    with pytest.raises(ValidationError) as exc:
        services.set_role(admin, admin, "designer")

    assert "role" in exc.value.errors
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == "admin"


def test_an_admin_can_be_demoted_while_another_admin_remains(ctx):
    admin = make_user(role="admin")
    other = make_user(role="admin")

    services.set_role(admin, other, "customer")

    db.session.expire_all()
    assert db.session.get(User, other.id).role == "customer"


def test_the_last_admin_can_keep_the_admin_role(ctx):
    admin = make_user(role="admin")

    assert services.set_role(admin, admin, "admin").role == "admin"


# make_admin -----------------------------------------------------------------------------------------------------


def test_make_admin_promotes_an_existing_account(ctx):
    user = make_user(email="promote@example.com")

    promoted, created = services.make_admin("Promote@Example.com")

    assert created is False
    assert promoted.id == user.id
    assert promoted.role == "admin"
    assert _user_count() == 1


def test_make_admin_creates_a_new_admin_who_can_sign_in(ctx):
    user, created = services.make_admin("Boss@Example.com", "a strong password")

    assert created is True
    assert user.role == "admin"
    assert user.email == "boss@example.com"
    assert user.display_name == "Boss"
    assert services.authenticate("boss@example.com", "a strong password").id == user.id


def test_make_admin_uses_the_given_display_name(ctx):
    user, _ = services.make_admin("named@example.com", "a strong password", "The Boss")

    assert user.display_name == "The Boss"


def test_make_admin_refuses_to_create_an_account_without_a_usable_password(ctx):
    with pytest.raises(ValidationError) as exc:
        services.make_admin("nopass@example.com")

    assert "password" in exc.value.errors
    assert _user_count() == 0
