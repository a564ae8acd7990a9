"""Admin: the audit log, newest first, filtered by actor, action and date."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from portal.admin.forms import AuditFilterForm
from portal.audit.queries import audit_actions, audit_actors, audit_log
from portal.core.pagination import paginate, parse_page
from portal.permissions import can_view_audit, require

bp = Blueprint("audit", __name__, url_prefix="/audit")
PER_PAGE = 50


@bp.get("")
@login_required
def index():
    require(can_view_audit(current_user))
    form = AuditFilterForm(request.args, actors=audit_actors(), actions=audit_actions())
    form.validate()
    page = paginate(audit_log(**form.filters()), parse_page(request.args.get("page")), PER_PAGE)
    return render_template("admin/audit.html", form=form, page=page)
