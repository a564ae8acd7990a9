"""Sign-up, sign-in, settings and public profiles."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import services
from portal.accounts.forms import LoginForm, PasswordForm, ProfileForm, SignupForm
from portal.accounts.models import User
from portal.core.forms import attempt
from portal.core.pagination import paginate, parse_page
from portal.core.urls import safe_next
from portal.extensions import db
from portal.ideas.queries import comments_by, idea_list, voted_idea_ids

bp = Blueprint("accounts", __name__)


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    form = SignupForm(next=request.args.get("next", ""))
    if form.validate_on_submit() and (
        user := attempt(form, lambda: services.register_user(form.email.data, form.display_name.data,
                                                             form.password.data))
    ):
        login_user(user)
        flash(f"Welcome, {user.display_name}! Your account is ready.", "success")
        return redirect(safe_next(form.next.data))
    return render_template("accounts/signup.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append("That email and password don't match an account.")
        elif user.is_banned:
            form.form_errors.append("This account has been suspended by the portal's admins.")
        else:
            login_user(user, remember=form.remember.data)
            flash(f"Signed in as {user.display_name}.", "success")
            return redirect(safe_next(form.next.data))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("core.home"))


@bp.route("/settings/profile", methods=["GET", "POST"])
@login_required
def profile_settings():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit() and attempt(form, lambda: services.update_profile(
        current_user, display_name=form.display_name.data, company=form.company.data,
        job_title=form.job_title.data, bio=form.bio.data, website=form.website.data,
        show_website=form.show_website.data, show_email=form.show_email.data,
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
        flash("Your password is changed.", "success")
        return redirect(url_for("accounts.password_settings"))
    return render_template("accounts/password_settings.html", form=form)


@bp.get("/people/<int:user_id>")
def profile(user_id: int):
    person = db.get_or_404(User, user_id)
    if person.is_contact:  # made by the team for a vote on someone's behalf: not a public person yet
        abort(404)
    page = paginate(idea_list(viewer=current_user, author_id=person.id, sort="new"),
                    parse_page(request.args.get("page")), current_app.config["IDEAS_PER_PAGE"])
    return render_template("accounts/profile.html", person=person, page=page,
                           voted=voted_idea_ids(current_user, [i.id for i in page.items]),
                           comments=comments_by(person.id, current_user))
