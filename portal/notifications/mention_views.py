"""The JSON the comment box asks while someone types `@` and the start of a name."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user

from portal.core.text import parse_id
from portal.extensions import db
from portal.ideas.models import Idea
from portal.notifications.mentions import suggest_people
from portal.permissions import can_view_idea

bp = Blueprint("mentions", __name__)


def _visible_idea(raw: str | None) -> Idea | None:
    # An idea the asker may not see is ignored, so its participants are never revealed by being ranked first.
    idea_id = parse_id(raw)
    idea = db.session.get(Idea, idea_id) if idea_id is not None else None
    return idea if idea is not None and can_view_idea(current_user, idea) else None


@bp.get("/mentions/suggest")
def suggest() -> tuple[Response, int] | Response:
    """Up to eight people to mention: {id, name, role, initials}, those who took part in the idea first."""
    if not current_user.is_authenticated:
        return jsonify(error="Unauthorized", detail="Sign in to mention people.", status=401), 401
    people = suggest_people(request.args.get("q", ""), _visible_idea(request.args.get("idea")))
    response = jsonify(people=[
        {"id": person.id, "name": person.display_name, "role": person.role_enum.label, "initials": person.initials}
        for person in people
    ])
    response.headers["Cache-Control"] = "private, no-store"
    return response
