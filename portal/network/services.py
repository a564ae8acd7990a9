"""Connection requests, answers, blocks and introductions: each public function is one transaction."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.core.text import clean_text
from portal.errors import NotFound, ValidationError
from portal.extensions import db
from portal.network.events import tell
from portal.network.holds import has_contributed
from portal.network.models import MESSAGE_MAX, NOTE_MAX, Block, Connection, ConnectionStatus, Introduction
from portal.network.queries import connection_between, is_blocked_either_way
from portal.notifications.models import Event
from portal.permissions import can_connect, can_introduce, has_trusted_standing, is_team, require
from portal.reputation.totals import refresh_totals

DEFAULT_DAILY_CAP = 20
S = ConnectionStatus
# Statuses in which a request is still the requester's open question.
WAITING = (S.HELD.value, S.PENDING.value, S.DECLINED.value)


def daily_cap() -> int:
    return int(current_app.config.get("NETWORK_DAILY_REQUEST_CAP", DEFAULT_DAILY_CAP))


def _held(actor: User) -> bool:
    return not (is_team(actor) or has_contributed(actor) or has_trusted_standing(actor))


def _locked_pair(a: User, b: User) -> Connection | None:
    row = connection_between(a.id, b.id)
    if row is not None:
        db.session.refresh(row, with_for_update=True)
    return row


def _refuse(message: str) -> ValidationError:
    return ValidationError({"connection": message})


def _check_can_ask(actor: User, other: User) -> None:
    if other.id == actor.id:
        raise _refuse("You can't send a connection request to yourself.")
    if other.is_banned or other.is_contact:
        raise _refuse(f"{other.display_name} can't take connection requests.")
    require(can_connect(actor, other), "Confirm your email address before connecting with people.")
    if db.session.get(Block, (actor.id, other.id)) is not None:
        raise _refuse(f"You have blocked {other.display_name}. Unblock them first to send a request.")
    if db.session.get(Block, (other.id, actor.id)) is not None:
        raise _refuse(f"You can't send a request to {other.display_name}.")


def _check_cap(actor: User) -> None:
    since = utcnow() - timedelta(days=1)
    sent = db.session.scalar(select(func.count(Connection.id)).where(
        Connection.requester_id == actor.id, Connection.requested_at >= since)) or 0
    if sent >= daily_cap():
        raise _refuse(f"You have sent {sent} connection requests in the last 24 hours, the daily limit. "
                      "Try again tomorrow.")


def _answer_existing(actor: User, other: User, row: Connection) -> Connection | None:
    """A request to someone the pair already has a row with: say so, or treat it as an answer."""
    if row.is_accepted:
        raise _refuse(f"You are already connected with {other.display_name}.")
    if row.status in WAITING:
        if row.accepted_by(actor.id):
            raise _refuse(f"You already asked {other.display_name}; the request is waiting for their answer.")
        # They asked me (or a host introduced us): asking back is saying yes.
        _accept(actor, row)
        return row
    return None


def request_connection(actor: User, other: User, message: str = "") -> Connection:
    """Ask another person to connect, with a short message; held unseen while the actor has not contributed."""
    message = clean_text(message, "message", max_len=MESSAGE_MAX, multiline=True)
    _check_can_ask(actor, other)
    try:
        return _request(actor, other, message)
    except IntegrityError:
        # The other person asked at the same moment and their row won: asking again finds it and answers it.
        db.session.rollback()
        return _request(actor, other, message)


def _request(actor: User, other: User, message: str) -> Connection:
    row = _locked_pair(actor, other)
    if row is not None and (answered := _answer_existing(actor, other, row)) is not None:
        db.session.commit()
        return answered
    _check_cap(actor)
    now = utcnow()
    if row is None:
        row = Connection(requester_id=actor.id, addressee_id=other.id)
        db.session.add(row)
    # Someone who declined this person before is not asked again: the repeat stays silently declined.
    declined_before = row.declined_at is not None and row.requester_id == actor.id
    row.requester_id, row.addressee_id = actor.id, other.id
    row.requester_accepted, row.addressee_accepted = True, False
    row.message, row.requested_at, row.introduction_id, row.accepted_at = message, now, None, None
    row.status = (S.DECLINED if declined_before else S.HELD if _held(actor) else S.PENDING).value
    db.session.flush()
    if row.status == S.PENDING.value:
        tell(Event.CONNECTION_REQUEST, other, actor=actor, excerpt=message)
    db.session.commit()
    return row


def _mine(actor: User, connection_id: int) -> Connection:
    row = db.session.get(Connection, connection_id, with_for_update=True)
    if row is None or actor.id not in (row.requester_id, row.addressee_id):
        raise NotFound()
    return row


def _accept(actor: User, row: Connection) -> None:
    if actor.id == row.requester_id:
        row.requester_accepted = True
    else:
        row.addressee_accepted = True
    if not (row.requester_accepted and row.addressee_accepted):
        return
    row.status, row.accepted_at = S.ACCEPTED.value, utcnow()
    db.session.flush()
    other = db.session.get(User, row.other_id(actor.id))
    tell(Event.CONNECTION_ACCEPTED, other, actor=actor)
    _refresh_host(row)


def _refresh_host(row: Connection) -> None:
    """An introduction both accepted earns its host points; one that ends takes them back."""
    if row.introduction_id is not None:
        introduction = db.session.get(Introduction, row.introduction_id)
        refresh_totals([introduction.host_id if introduction else None])


def accept_connection(actor: User, connection_id: int) -> Connection:
    """Say yes to a request or an introduction; once both have, the two are connected."""
    row = _mine(actor, connection_id)
    if row.is_accepted:
        return row
    if row.status not in (S.PENDING.value, S.DECLINED.value) or row.accepted_by(actor.id):
        raise _refuse("There is no request from this person waiting for your answer.")
    _accept(actor, row)
    db.session.commit()
    return row


def decline_connection(actor: User, connection_id: int) -> Connection:
    """Say no, silently: the other person is not told and still sees their request as sent."""
    row = _mine(actor, connection_id)
    if row.status != S.PENDING.value or row.accepted_by(actor.id):
        raise _refuse("There is no request from this person waiting for your answer.")
    row.status, row.declined_at = S.DECLINED.value, utcnow()
    db.session.commit()
    return row


def withdraw_request(actor: User, connection_id: int) -> Connection:
    """Take back a request one sent that has not been accepted."""
    row = _mine(actor, connection_id)
    if row.requester_id != actor.id or row.status not in WAITING or row.introduction_id is not None:
        raise _refuse("There is no request of yours to withdraw here.")
    row.status = S.WITHDRAWN.value
    db.session.commit()
    return row


def disconnect(actor: User, other: User) -> None:
    """End an accepted connection; either person may, and either may ask again later."""
    row = _locked_pair(actor, other)
    if row is None or not row.is_accepted:
        raise _refuse(f"You are not connected with {other.display_name}.")
    row.status, row.accepted_at = S.WITHDRAWN.value, None
    _refresh_host(row)
    db.session.commit()


def block_person(actor: User, other: User) -> None:
    """Block someone: whatever is between the two ends, and they can no longer ask or be introduced."""
    if other.id == actor.id:
        raise _refuse("You can't block yourself.")
    if db.session.get(Block, (actor.id, other.id)) is None:
        db.session.add(Block(blocker_id=actor.id, blocked_id=other.id))
        try:
            db.session.flush()
        except IntegrityError:  # the same block sent twice at once: the first one stands
            db.session.rollback()
    row = _locked_pair(actor, other)
    if row is not None and row.status != S.WITHDRAWN.value:
        row.status, row.accepted_at = S.WITHDRAWN.value, None
        _refresh_host(row)
    db.session.commit()


def unblock_person(actor: User, other: User) -> None:
    """Lift a block; nothing that was between the two comes back by itself."""
    db.session.execute(delete(Block).where(Block.blocker_id == actor.id, Block.blocked_id == other.id))
    db.session.commit()


def _check_introducible(host: User, first: User, second: User) -> Connection | None:
    require(can_introduce(host), "Only team members introduce people.")
    if first.id == second.id:
        raise ValidationError({"second": "Choose two different people."})
    if host.id in (first.id, second.id):
        raise ValidationError({"second": "Introduce two other people; to meet someone, send them a request."})
    for person, field in ((first, "first"), (second, "second")):
        if person.is_banned or person.is_contact:
            raise ValidationError({field: f"{person.display_name} can't be introduced."})
    if is_blocked_either_way(first.id, second.id):
        raise ValidationError({"second": f"{first.display_name} and {second.display_name} can't be introduced."})
    row = _locked_pair(first, second)
    if row is not None and row.is_accepted:
        raise ValidationError({"second": f"{first.display_name} and {second.display_name} are already connected."})
    if row is not None and row.status in (S.PENDING.value, S.HELD.value):
        raise ValidationError({"second": "There is already a request between them, waiting for an answer."})
    return row


def introduce(host: User, first: User, second: User, note: str) -> Introduction:
    """A host introduces two people with a note: both are told, and each accepts the pending connection."""
    note = clean_text(note, "note", min_len=1, max_len=NOTE_MAX, multiline=True)
    row = _check_introducible(host, first, second)
    intro = Introduction(host_id=host.id, first_id=first.id, second_id=second.id, note=note)
    db.session.add(intro)
    db.session.flush()
    if row is None:
        row = Connection(requester_id=first.id, addressee_id=second.id)
        db.session.add(row)
    row.requester_id, row.addressee_id, row.introduction_id = first.id, second.id, intro.id
    row.requester_accepted = row.addressee_accepted = False
    row.status, row.message, row.requested_at, row.accepted_at = S.PENDING.value, "", utcnow(), None
    db.session.flush()
    tell(Event.INTRODUCTION, first, actor=host, about=second.display_name, excerpt=note)
    tell(Event.INTRODUCTION, second, actor=host, about=first.display_name, excerpt=note)
    db.session.commit()
    return intro
