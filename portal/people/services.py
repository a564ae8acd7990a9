"""Leaving and rejoining the directory."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.people.models import DirectoryExit
from portal.permissions import can_change_directory_listing, require


def set_listed(actor: User, listed: bool) -> None:
    """Show the person in /people, the leaderboards and people searches, or keep them out of all of those."""
    require(can_change_directory_listing(actor))
    if listed:
        db.session.execute(delete(DirectoryExit).where(DirectoryExit.user_id == actor.id))
    else:
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        db.session.execute(insert(DirectoryExit.__table__).values(user_id=actor.id, left_at=utcnow())
                           .on_conflict_do_nothing(index_elements=["user_id"]))
    db.session.commit()
