"""Sign-up, sign-in, settings, emailed links and public profiles."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import email_links, services, throttle
from portal.accounts.card import LINK_FIELDS, visible_contacts
from portal.accounts.forms import (
    EmailChangeForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordForm,
    ResetPasswordForm,
    SignupForm,
)
from portal.accounts.models import CONTACT_FIELDS, User
from portal.accounts.profile_form import ProfileForm
from portal.accounts.tokens import InvalidLink
from portal.core.forms import attempt
from portal.core.pagination import paginate, parse_page
from portal.core.urls import safe_next
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas.queries import comments_by, idea_list, voted_idea_ids
from portal.network.models import TagKind
from portal.network.profile import contributions, standing
from portal.network.tags import tags_of

bp = Blueprint("accounts", __name__)


def _start_session(user: User, remember: bool = False) -> None:
    """Sign in on a brand-new session: nothing from before sign-in (a cookie someone planted) carries over."""
    session.clear()
    login_user(user, remember=remember)


def _end_session() -> None:
    session.clear()
    logout_user()  # after clear(): it marks the remember-me cookie for deletion in the session


def _remembered() -> bool:
    return current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def _private(body: str, status: int = 200) -> Response:
    """A page reached by a secret link: not cached, and the link never leaves in a Referer header."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _invalid_link(what: str, *, expired: bool = False, message: str = "") -> Response:
    return _private(render_template("accounts/link_invalid.html", what=what, expired=expired, message=message), 400)


# Sign-up, sign-in, sign-out -----------------------------------------------------------------------------------

@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignupForm(next=request.args.get("next", ""))
    if form.validate_on_submit() and (
        result := attempt(form, lambda: services.sign_up(form.email.data, form.display_name.data,
                                                         form.password.data))
    ):
        if result.user is None:
            return redirect(url_for("accounts.check_email"))
        _start_session(result.user)
        flash(f"Welcome, {result.user.display_name}! Your account is ready.", "success")
        return redirect(safe_next(form.next.data))
    return render_template("accounts/signup.html", form=form)


@bp.get("/signup/check-email")
def check_email():
    return render_template("accounts/check_email.html")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = attempt(form, lambda: services.sign_in(form.email.data, form.password.data, request.remote_addr))
        except throttle.Throttled as exc:
            return throttle.too_many_attempts(exc.retry_after)
        if user is not None:
            _start_session(user, remember=form.remember.data)
            flash(f"Signed in as {user.display_name}.", "success")
            return redirect(safe_next(form.next.data))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.sign_out(current_user._get_current_object())
    _end_session()
    flash("You are signed out.", "info")
    return redirect(url_for("core.home"))


@bp.post("/settings/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    services.sign_out(current_user._get_current_object())
    _end_session()
    flash("You are signed out on every browser and device. Sign in again to continue.", "success")
    return redirect(url_for("accounts.login"))


# Confirming an address --------------------------------------------------------------------------------------

@bp.get("/verify-email/<token>")
def verify_email(token: str):
    try:
        user = email_links.verification_account(token)
    except InvalidLink as exc:
        return _invalid_link("confirmation", expired=exc.expired)
    return _private(render_template("accounts/verify_email.html", user=user))


@bp.post("/verify-email/<token>")
def confirm_verification(token: str):
    try:
        email_links.verify_email(token)
    except InvalidLink as exc:
        return _invalid_link("confirmation", expired=exc.expired)
    flash("Thank you: your email address is confirmed.", "success")
    return redirect(url_for("core.home") if current_user.is_authenticated else url_for("accounts.login"))


@bp.post("/verify-email/resend")
@login_required
def resend_verification():
    try:
        email_links.resend_verification(current_user._get_current_object())
        flash(f"We sent a new link to {current_user.email}.", "success")
    except ValidationError as exc:
        flash(exc.errors["email"], "error")
    return redirect(safe_next(request.form.get("next"), url_for("core.home")))


# Resetting a password ---------------------------------------------------------------------------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm(email=request.args.get("email", ""))
    if form.validate_on_submit() and attempt(form, lambda: email_links.request_password_reset(form.email.data)
                                             or True):
        flash("If an account has that address, we have sent it a link to choose a new password. The link works "
              "for an hour.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    try:
        user = email_links.reset_account(token)
        # Checked again under a lock by the service: a second use at the same moment fails there.
        if form.validate_on_submit() and attempt(form, lambda: email_links.reset_password(token, form.password.data)):
            flash("Your password is changed. Sign in with the new one.", "success")
            return redirect(url_for("accounts.login"))
    except InvalidLink as exc:
        return _invalid_link("password reset", expired=exc.expired)
    return _private(render_template("accounts/reset_password.html", form=form, user=user))


# Settings ---------------------------------------------------------------------------------------------------

@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
def profile_settings():
    form = ProfileForm(obj=current_user)
    if request.method == "GET":
        tags = tags_of(current_user.id)
        form.offers.data, form.needs.data = (", ".join(tags[kind]) for kind in (TagKind.OFFER, TagKind.NEED))
    if form.validate_on_submit() and attempt(form, lambda: services.update_profile(
        current_user, display_name=form.display_name.data, company=form.company.data,
        job_title=form.job_title.data, location=form.location.data, bio=form.bio.data,
        offers=form.offers.data, needs=form.needs.data,
        contacts={field: form[field].data for field in LINK_FIELDS + ("phone",)},
        visibility={field: form[f"{field}_visibility"].data for field in CONTACT_FIELDS},
    )):
        flash("Your profile is saved.", "success")
        return redirect(url_for("accounts.profile_settings"))
    return render_template("accounts/profile_settings.html", form=form)


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def password_settings():
    form = PasswordForm()
    if form.validate_on_submit() and attempt(form, lambda: services.change_password(
        current_user, form.current_password.data, form.new_password.data,
    )):
        # Every other session of the account has ended; this one carries on under a fresh session.
        _start_session(current_user._get_current_object(), remember=_remembered())
        flash("Your password is changed. You are signed out everywhere else.", "success")
        return redirect(url_for("accounts.password_settings"))
    return render_template("accounts/password_settings.html", form=form)


@bp.route("/settings/email", methods=["GET", "POST"])
@login_required
def email_settings():
    form = EmailChangeForm()
    if form.validate_on_submit() and (new_email := attempt(form, lambda: email_links.request_email_change(
        current_user._get_current_object(), form.new_email.data, form.password.data,
    ))):
        flash(f"We sent a link to {new_email}. Your address changes when you open it.", "success")
        return redirect(url_for("accounts.email_settings"))
    return render_template("accounts/email_settings.html", form=form)


@bp.get("/settings/email/confirm/<token>")
def confirm_email_change(token: str):
    try:
        user, new_email = email_links.email_change_claims(token)
    except InvalidLink as exc:
        return _invalid_link("address change", expired=exc.expired)
    return _private(render_template("accounts/confirm_email_change.html", user=user, new_email=new_email))


@bp.post("/settings/email/confirm/<token>")
def apply_email_change(token: str):
    # Asked before the change: it ends the account's sessions, this request's included.
    here = current_user._get_current_object() if current_user.is_authenticated else None
    try:
        user = email_links.confirm_email_change(token)
    except InvalidLink as exc:
        return _invalid_link("address change", expired=exc.expired)
    except ValidationError as exc:
        return _invalid_link("address change", message=exc.errors["email"])
    flash(f"Your email address is now {user.email}. You are signed out everywhere else.", "success")
    if here is not None and here.id == user.id:
        _start_session(user, remember=_remembered())
        return redirect(url_for("accounts.email_settings"))
    return redirect(url_for("accounts.login"))


# Public profiles --------------------------------------------------------------------------------------------

@bp.get("/people/<int:user_id>")
def profile(user_id: int):
    person = db.get_or_404(User, user_id)
    if person.is_contact:  # made by the team for a vote on someone's behalf: not a public person yet
        abort(404)
    page = paginate(idea_list(viewer=current_user, author_id=person.id, sort="new"),
                    parse_page(request.args.get("page")), current_app.config["IDEAS_PER_PAGE"])
    where = standing(current_user, person)
    return render_template("accounts/profile.html", person=person, page=page,
                           voted=voted_idea_ids(current_user, [i.id for i in page.items]),
                           comments=comments_by(person.id, current_user), tags=tags_of(person.id),
                           contacts=visible_contacts(current_user, person, connected=where and where.connected),
                           contributed=contributions(person), standing=where)
