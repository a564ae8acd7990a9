"""The schema comes only from migrations: models and migrations must not drift apart, and downgrades work."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal import create_app
from portal.extensions import db


def skip_search_index_tables(name, type_, parent_names):
    # The full-text index is dialect-specific SQL from its migration, outside the metadata (as in migrations/env.py).
    return not (type_ == "table" and name is not None and name.startswith("idea_search"))


def test_models_match_the_migrated_schema(ctx):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "include_name": skip_search_index_tables})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_downgrade_to_nothing_and_upgrade_again(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'roundtrip.sqlite'}")
    with app.app_context():
        upgrade()
        assert "idea" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "vote" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_the_reputation_vote_count_is_filled_from_the_records(tmp_path):
    from portal.ideas import services as idea_services
    from portal.reputation.models import ReputationTotal
    from tests.factories import make_idea, make_user

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'votes.sqlite'}")
    with app.app_context():
        upgrade()
        voter, author = make_user(), make_user()
        for idea in [make_idea(author) for _ in range(3)] + [make_idea(voter)]:  # the last is the voter's own
            idea_services.cast_vote(voter, idea.id)
        downgrade(revision="3c9d2e7f1a40")  # the totals as they were before they kept the count
        upgrade()
        db.session.expire_all()
        total = db.session.get(ReputationTotal, voter.id)
        assert (total.points, total.votes_counted) == (3, 3)
        db.session.remove()
        db.engine.dispose()
