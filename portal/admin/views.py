"""The admin blueprint: people, roles and bans here; statuses, tags, audit and settings in sibling modules.

Each sibling module is a small blueprint nested under this one, so its endpoints read `admin.statuses.index`,
`admin.tags.edit` ... and its URLs sit under /admin, with no import cycle and nothing registered by side effect.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from portal.accounts.forms import RoleForm
from portal.accounts.models import User
from portal.accounts.services import set_role
from portal.admin.audit import bp as audit
from portal.admin.email import bp as email
from portal.admin.forms import BanForm
from portal.admin.settings import bp as settings
from portal.admin.statuses import bp as statuses
from portal.admin.tags import bp as tags
from portal.core.forms import attempt
from portal.core.pagination import paginate, parse_page
from portal.core.text import strip_controls
from portal.errors import ValidationError
from portal.extensions import db
from portal.moderation.services import ban_user, unban_user
from portal.permissions import can_ban, can_manage_users, require

bp = Blueprint("admin", __name__, url_prefix="/admin")
for child in (statuses, tags, audit, settings, email):
    bp.register_blueprint(child)


def _ban_form(user_id: int) -> BanForm:
    # Prefixed so that each row of the people list has its own field ids.
    return BanForm(prefix=f"ban-{user_id}")


def _back_to_users():
    return redirect(url_for("admin.users", q=request.args.get("q") or None))


@bp.get("/users")
@login_required
def users():
    require(can_manage_users(current_user))
    query = strip_controls(request.args.get("q", "")).strip()[:100]
    stmt = select(User).order_by(User.created_at.desc(), User.id.desc())
    if query:
        like = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(User.email.like(like, escape="\\"),
                              User.display_name.ilike(like, escape="\\")))
    page = paginate(stmt, parse_page(request.args.get("page")), 50)
    ban_forms = {person.id: _ban_form(person.id) for person in page.items if can_ban(current_user, person)}
    return render_template("admin/users.html", page=page, query=query, form=RoleForm(), ban_forms=ban_forms)


@bp.post("/users/<int:user_id>/role")
@login_required
def change_role(user_id: int):
    require(can_manage_users(current_user))
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    try:
        if not form.validate_on_submit():
            raise ValidationError({"role": "Choose one of the listed roles."})
        set_role(current_user, user, form.role.data)
        flash(f"{user.display_name} is now {user.role_enum.label.lower()}.", "success")
    except ValidationError as exc:
        flash(" ".join(exc.errors.values()), "error")
    return _back_to_users()


@bp.route("/users/<int:user_id>/ban", methods=["GET", "POST"])
@login_required
def ban(user_id: int):
    person = db.get_or_404(User, user_id)
    require(can_ban(current_user, person), "Admins can't ban themselves.")
    form = _ban_form(person.id)
    # ban_user returns nothing: `or True` tells success apart from attempt()'s None on a ValidationError.
    if form.validate_on_submit() and attempt(form, lambda: ban_user(
        current_user, person, form.reason.data, hide_content=form.hide_content.data,
    ) or True):
        flash(f"{person.display_name} is banned.", "success")
        return _back_to_users()
    status = 422 if form.is_submitted() else 200
    return render_template("admin/ban.html", form=form, person=person, query=request.args.get("q")), status


@bp.post("/users/<int:user_id>/unban")
@login_required
def unban(user_id: int):
    person = db.get_or_404(User, user_id)
    require(can_ban(current_user, person))
    try:
        unban_user(current_user, person)
        flash(f"{person.display_name}'s ban is lifted.", "success")
    except ValidationError as exc:
        flash(" ".join(exc.errors.values()), "error")
    return _back_to_users()
