"""Apps with the protections the shared test app leaves off (rate limits, fill times, CSRF) turned on."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from portal import create_app
from portal.extensions import db


@pytest.fixture
def make_app(app) -> Iterator[Callable[..., Flask]]:
    """Build extra apps on the shared test database, with config overrides; their engines are closed after."""
    made: list[Flask] = []

    def build(**overrides) -> Flask:
        settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                    "UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"], "OUTBOX_DIR": app.config["OUTBOX_DIR"]}
        instance = create_app("testing", **(settings | overrides))
        made.append(instance)
        return instance

    yield build
    for instance in made:
        with instance.app_context():
            db.engine.dispose()
