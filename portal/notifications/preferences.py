"""Each person's choice, per event, of email right away, in the daily digest, or none."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import delete, select

from portal.accounts.models import User
from portal.extensions import db
from portal.notifications.models import DEFAULT_DELIVERY, Delivery, Event, NotificationPreference
from portal.permissions import is_team


def events_for(user: User) -> list[Event]:
    """The events a person can hear about: team-only ones only for the team."""
    return [event for event in Event if not event.team_only or is_team(user)]


def deliveries(user_ids: Iterable[int]) -> dict[int, dict[Event, Delivery]]:
    """Every listed person's choices, defaults filled in, in one query."""
    ids = list(set(user_ids))
    chosen: dict[int, dict[Event, Delivery]] = {uid: dict(DEFAULT_DELIVERY) for uid in ids}
    if ids:
        rows = db.session.execute(select(NotificationPreference).where(NotificationPreference.user_id.in_(ids)))
        for (pref,) in rows:
            if pref.event in Event.__members__.values():
                chosen[pref.user_id][Event(pref.event)] = Delivery(pref.delivery)
    return chosen


def delivery_for(user: User, event: Event) -> Delivery:
    return deliveries([user.id])[user.id][event]


def save_preferences(user: User, choices: Mapping[Event, Delivery]) -> None:
    """Store a person's choices; events left at their default keep no row."""
    db.session.execute(delete(NotificationPreference).where(NotificationPreference.user_id == user.id))
    for event, delivery in choices.items():
        if delivery is not DEFAULT_DELIVERY[event]:
            db.session.add(NotificationPreference(user_id=user.id, event=event.value, delivery=delivery.value))
    db.session.commit()


def turn_off(user_id: int, events: Iterable[Event]) -> None:
    """Stop email for some events (the unsubscribe link), keeping the person's other choices."""
    events = list(events)
    db.session.execute(delete(NotificationPreference).where(
        NotificationPreference.user_id == user_id, NotificationPreference.event.in_([e.value for e in events])))
    for event in events:
        db.session.add(NotificationPreference(user_id=user_id, event=event.value, delivery=Delivery.OFF.value))
    db.session.commit()
