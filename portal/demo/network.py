"""Demo content for the contributor network: filled-in business cards, connections, a pending request, and an
introduction by the demo designer."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.network import services
from portal.network.models import Connection, ConnectionStatus, TagKind
from portal.network.tags import replace_tags

# email: location, offers, needs, contact details with who sees each. Nothing is public unless chosen here.
CARDS = {
    "admin@example.com": ("Kisumu, Kenya", ["pilot school partnerships", "teacher training"], ["funding partners"],
                          {"website": ("https://kestrel.example.org", "everyone"), "email": (None, "members")}),
    "designer@example.com": ("Malmö, Sweden", ["industrial design", "drop testing"], ["classroom observations"],
                             {"website": ("https://marta-lindqvist.example.com", "everyone"),
                              "linkedin": ("https://www.linkedin.com/in/marta-lindqvist-example", "members"),
                              "email": (None, "connections")}),
    "developer@example.com": ("Pune, India", ["offline-first software", "update pipelines"],
                              ["low-bandwidth test sites"],
                              {"github": ("https://github.com/arjun-mehta-example", "everyone"),
                               "email": (None, "connections"), "phone": ("+91 20 5550 1234", "me")}),
    "customer@example.com": ("Chikwawa, Malawi", ["classroom testing", "teacher feedback"],
                             ["offline maps", "charging carts"],
                             {"phone": ("+265 1 555 0199", "connections"), "email": (None, "connections"),
                              "mastodon": ("https://mastodon.example/@gracebanda", "members")}),
    "amina.otieno@example.org": ("Kisumu, Kenya", ["school pilots", "teacher training"], ["battery testing"],
                                 {"email": (None, "connections")}),
    "rafael.mendes@example.org": ("Santarém, Brazil", ["school IT support", "Portuguese translation"],
                                  ["offline maps"], {"email": (None, "members")}),
    "samuel.okeke@example.org": ("Onitsha, Nigeria", ["repairs", "battery testing"], ["spare parts suppliers"],
                                 {"phone": ("+234 1 555 0142", "connections")}),
    "hiroshi.tanaka@example.com": ("Osaka, Japan", ["power electronics", "battery testing"],
                                   ["field charging data"], {"email": (None, "members")}),
}
# Accepted connections (days ago).
CONNECTIONS = [
    ("customer@example.com", "amina.otieno@example.org", 60),
    ("customer@example.com", "designer@example.com", 40),
    ("developer@example.com", "rafael.mendes@example.org", 30),
    ("admin@example.com", "designer@example.com", 90),
    ("samuel.okeke@example.org", "hiroshi.tanaka@example.com", 20),
]
# A request waiting for the demo customer's answer.
PENDING = ("rafael.mendes@example.org", "customer@example.com",
           "We are both waiting for offline maps: shall we compare what our pupils need?")
INTRODUCTION = ("customer@example.com", "hiroshi.tanaka@example.com",
                "Grace, Hiroshi designs the charging hardware; Hiroshi, Grace's class charges 30 laptops from one "
                "solar panel. You both asked about charging carts: meet!")


def _by_email() -> dict[str, User]:
    return {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(
        set(CARDS) | {e for pair in CONNECTIONS for e in pair[:2]} | {PENDING[0], PENDING[1]})))}


def _cards(people: dict[str, User]) -> None:
    for email, (location, offers, needs, contacts) in CARDS.items():
        person = people.get(email)
        if person is None:
            continue
        person.location = location
        for field, (value, visibility) in contacts.items():
            if value is not None:
                setattr(person, field, value)
            setattr(person, f"{field}_visibility", visibility)
        replace_tags(person.id, TagKind.OFFER, offers)
        replace_tags(person.id, TagKind.NEED, needs)


def _connect(people: dict[str, User]) -> None:
    for first, second, days in CONNECTIONS:
        a, b = people.get(first), people.get(second)
        if a is not None and b is not None:
            when = utcnow() - timedelta(days=days)
            db.session.add(Connection(requester_id=a.id, addressee_id=b.id, status=ConnectionStatus.ACCEPTED.value,
                                      addressee_accepted=True, created_at=when, requested_at=when,
                                      accepted_at=when + timedelta(hours=3)))
    asker, asked = people.get(PENDING[0]), people.get(PENDING[1])
    if asker is not None and asked is not None:
        when = utcnow() - timedelta(days=2)
        db.session.add(Connection(requester_id=asker.id, addressee_id=asked.id, message=PENDING[2],
                                  status=ConnectionStatus.PENDING.value, created_at=when, requested_at=when))


def seed_network() -> None:
    """Cards, connections and a pending request written directly; the introduction through the service, so both
    people are told. Once only."""
    if db.session.scalar(select(Connection.id).limit(1)) is not None:
        return
    people = _by_email()
    _cards(people)
    _connect(people)
    db.session.commit()
    host = db.session.scalar(select(User).where(User.email == "designer@example.com"))
    first, second = (db.session.scalar(select(User).where(User.email == e)) for e in INTRODUCTION[:2])
    if host is not None and first is not None and second is not None:
        services.introduce(host, first, second, INTRODUCTION[2])
