"""The demo has screens with pinned ideas in several statuses, and a prototype in two versions with a carried idea
re-pinned on the new image."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal.demo.seed import seed_demo
from portal.extensions import db
from portal.ideas.models import Idea
from portal.prototypes.models import Prototype
from portal.screens.models import CarriedIdea, Pin, Screen
from portal.triage.models import Status


def test_the_demo_has_pinned_screens_and_a_second_version_with_a_re_pinned_idea(ctx, client):
    seed_demo()

    kinds = db.session.scalars(select(Status.kind).join(Idea, Idea.status_id == Status.id)
                               .join(Pin, Pin.idea_id == Idea.id).distinct()).all()
    assert db.session.scalar(select(func.count()).select_from(Screen)) >= 5
    assert {"open", "planned", "active", "closed"} <= set(kinds)
    version = db.session.scalar(select(Prototype).where(Prototype.previous_version_id.is_not(None)))
    assert version is not None and db.session.scalar(select(func.count()).select_from(CarriedIdea)) >= 1
    origin = aliased(Pin)
    re_pinned = db.session.scalar(select(func.count()).select_from(Pin).join(origin, origin.id == Pin.carried_from_id)
                                  .where(Pin.x != origin.x, Pin.needs_review.is_(False)))
    assert re_pinned >= 1
    assert db.session.scalar(select(func.count()).select_from(Pin).where(Pin.addressed_in_id == version.id)) == 1
    screen = db.session.scalar(select(Screen).where(Screen.prototype_id == version.id))
    page = client.get(f"/prototypes/{version.slug}/screens/{screen.id}")
    assert page.status_code == 200 and "Switch screen modes automatically" in page.get_data(as_text=True)
