"""Fixtures for the admin pages: one person per role, and the default statuses installed."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.triage.statuses import initial_status, ordered_statuses
from tests.factories import make_user

ROLES = ("customer", "developer", "designer", "admin")


@pytest.fixture
def people(app) -> dict:
    """A signed-up person of each role, keyed by role."""
    with app.app_context():
        return {role: make_user(role=role, display_name=f"The {role.capitalize()}") for role in ROLES}


@pytest.fixture
def statuses(app) -> dict[str, int]:
    """The seven default statuses (the table is emptied between tests): name -> id."""
    with app.app_context():
        initial_status()
        db.session.commit()
        return {status.name: status.id for status in ordered_statuses()}
