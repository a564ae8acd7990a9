"""Statuses: the defaults, the admin's changes to them, and moving an idea from one to another."""

from __future__ import annotations

import re

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.audit.services import record
from portal.core.models import utcnow
from portal.core.text import clean_text
from portal.errors import ValidationError
from portal.extensions import db
from portal.ideas.models import Idea
from portal.markup import render_markdown
from portal.notifications import events
from portal.permissions import can_manage_statuses, can_set_status, require
from portal.prototypes.models import Prototype
from portal.reputation.totals import refresh_totals
from portal.triage.models import Status, StatusChange, StatusKind
from portal.webhooks import events as webhooks

# The same seven the first triage migration installs: name, colour, kind, initial.
DEFAULT_STATUSES = [
    ("New", "#64748b", "open", True),
    ("Under review", "#0e7490", "open", False),
    ("Planned", "#2454d6", "planned", False),
    ("In progress", "#c2410c", "active", False),
    ("Shipped", "#15803d", "done", False),
    ("Declined", "#b91c1c", "closed", False),
    ("Duplicate", "#6b7280", "closed", False),
]
NOTE_MAX = 5_000
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def initial_status() -> Status:
    """The status new ideas start in, installing the defaults into an empty table first."""
    status = db.session.scalar(select(Status).where(Status.is_initial.is_(True)))
    if status is None:
        for position, (name, color, kind, initial) in enumerate(DEFAULT_STATUSES):
            db.session.add(Status(name=name, color=color, kind=kind, position=position, is_initial=initial,
                                  is_duplicate=name == "Duplicate"))
        db.session.flush()
        status = db.session.scalar(select(Status).where(Status.is_initial.is_(True)))
    return status


def duplicate_status() -> Status | None:
    """The status merged duplicates get, whatever the admins renamed it to."""
    return db.session.scalar(select(Status).where(Status.is_duplicate.is_(True)).limit(1))


def status_by_name(name: str) -> Status | None:
    return db.session.scalar(select(Status).where(Status.name == name))


def ordered_statuses(include_retired: bool = True) -> list[Status]:
    stmt = select(Status).order_by(Status.position, Status.id)
    if not include_retired:
        stmt = stmt.where(Status.retired.is_(False))
    return list(db.session.scalars(stmt))


def set_status(actor: User, idea: Idea, status: Status, note: str = "", shipped_in: Prototype | None = None,
               *, commit: bool = True, notify: bool = True) -> StatusChange | None:
    """Move an idea to a status with an optional public note; the change is kept in its history."""
    # Lock the idea's row and read its current status: of two people moving it at once, the second waits and
    # its change starts where the first one's ended, so the history reads as one chain.
    db.session.refresh(idea, ["status_id", "assignee_id", "status"], with_for_update={"key_share": True})
    require(can_set_status(actor, idea, status), "You can't move this idea to that status.")
    note = clean_text(note, "note", max_len=NOTE_MAX, multiline=True)
    if status.retired and status.id != idea.status_id:
        raise ValidationError({"status": f"“{status.name}” is retired; choose another status."})
    if shipped_in is not None and status.kind_enum is not StatusKind.DONE:
        raise ValidationError({"shipped_in": "Only a done status can say which prototype it shipped in."})
    if shipped_in is not None and shipped_in.product_id != idea.product_id:
        raise ValidationError({"shipped_in": "Choose a prototype of this idea's product."})
    if status.id == idea.status_id and not note and shipped_in is None:
        return None
    change = StatusChange(idea_id=idea.id, actor_id=actor.id, from_status_id=idea.status_id, to_status_id=status.id,
                          note=note, note_html=render_markdown(note, "note"),
                          shipped_in_id=shipped_in.id if shipped_in else None, created_at=utcnow())
    db.session.add(change)
    before = {"status": idea.status.name if idea.status else None}
    idea.status_id = status.id
    idea.status = status
    if status.kind_enum is StatusKind.DONE:
        idea.shipped_in_id = shipped_in.id if shipped_in else idea.shipped_in_id
        idea.shipped_at = change.created_at  # the latest done change, as the changelog always showed it
    else:
        idea.shipped_in_id = None
        idea.shipped_at = None
    record(actor, "idea.status", idea, f"{idea.title} → {status.name}", before=before,
           after={"status": status.name, "note": note, "shipped_in": shipped_in.name if shipped_in else None})
    webhooks.idea_status_changed(actor, idea, change)  # merges too: their move to Duplicate is a real one
    refresh_totals([idea.author_id])  # shipping (or un-shipping) an idea moves its author's reputation
    if notify:
        moved = change.from_status_id != change.to_status_id
        events.status_changed(actor, idea, status.name if moved else "", change.note_html)
    if commit:
        db.session.commit()
    return change


def _status_fields(name: str, color: str, kind: str) -> dict:
    name = " ".join(clean_text(name, "name", min_len=2, max_len=40).split())
    if not _COLOR.fullmatch(color or ""):
        raise ValidationError({"color": "Use a colour like #2454d6."})
    if kind not in {k.value for k in StatusKind}:
        raise ValidationError({"kind": "Choose one of the listed kinds."})
    return {"name": name, "color": color.lower(), "kind": kind}


def save_status(actor: User, status: Status | None, *, name: str, color: str, kind: str) -> Status:
    """Add a status (status=None) or rename, recolour or change its kind."""
    require(can_manage_statuses(actor))
    fields = _status_fields(name, color, kind)
    clash = db.session.scalar(select(Status.id).where(func.lower(Status.name) == fields["name"].lower()))
    if clash is not None and (status is None or clash != status.id):
        raise ValidationError({"name": "A status with this name already exists."})
    before = None
    if status is None:
        position = db.session.scalar(select(func.coalesce(func.max(Status.position), -1))) + 1
        status = Status(position=position)
        db.session.add(status)
    else:
        before = {"name": status.name, "color": status.color, "kind": status.kind}
    for key, value in fields.items():
        setattr(status, key, value)
    db.session.flush()
    record(actor, "status.save", status, fields["name"], before=before, after=fields)
    try:
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise ValidationError({"name": "A status with this name already exists."}) from exc
    return status


def move_status(actor: User, status: Status, direction: int) -> None:
    """Swap a status with its neighbour above (-1) or below (+1) in the list."""
    require(can_manage_statuses(actor))
    statuses = ordered_statuses()
    index = next(i for i, s in enumerate(statuses) if s.id == status.id)
    other = index + (1 if direction > 0 else -1)
    if 0 <= other < len(statuses):
        statuses[index], statuses[other] = statuses[other], statuses[index]
        for position, item in enumerate(statuses):
            item.position = position
        record(actor, "status.move", status, f"{status.name} {'down' if direction > 0 else 'up'}")
    db.session.commit()


def set_status_retired(actor: User, status: Status, retired: bool) -> None:
    """Retire a status (ideas keep it, nobody can choose it any more) or bring it back."""
    require(can_manage_statuses(actor))
    if retired and status.is_initial:
        raise ValidationError({"status": "New ideas start in this status, so it can't be retired."})
    status.retired = retired
    record(actor, "status.retire" if retired else "status.unretire", status, status.name)
    db.session.commit()


def delete_status(actor: User, status: Status) -> None:
    """Delete a status no idea and no history uses; one in use can only be retired."""
    require(can_manage_statuses(actor))
    in_use = db.session.scalar(select(func.count()).select_from(Idea).where(Idea.status_id == status.id)) or \
        db.session.scalar(select(func.count()).select_from(StatusChange).where(
            (StatusChange.to_status_id == status.id) | (StatusChange.from_status_id == status.id)))
    if in_use or status.is_initial:
        raise ValidationError({"status": f"“{status.name}” is in use, so it can only be retired."})
    record(actor, "status.delete", status, status.name, before={"name": status.name, "kind": status.kind})
    db.session.execute(update(Status).where(Status.position > status.position).values(position=Status.position - 1))
    db.session.delete(status)
    db.session.commit()
