"""Admin pages: people and their roles."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from portal.accounts.forms import RoleForm
from portal.accounts.models import User
from portal.accounts.services import set_role
from portal.core.pagination import paginate, parse_page
from portal.errors import ValidationError
from portal.extensions import db
from portal.permissions import can_manage_users, require

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@login_required
def users():
    require(can_manage_users(current_user))
    query = request.args.get("q", "").strip()[:100]
    stmt = select(User).order_by(User.created_at.desc(), User.id.desc())
    if query:
        like = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(User.email.like(like, escape="\\"),
                              User.display_name.ilike(like, escape="\\")))
    page = paginate(stmt, parse_page(request.args.get("page")), 50)
    return render_template("admin/users.html", page=page, query=query, form=RoleForm())


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
    return redirect(url_for("admin.users", q=request.args.get("q") or None))
