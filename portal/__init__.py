"""The portal: an open product-collaboration site."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask, has_request_context, request
from sqlalchemy import bindparam, make_url, select

from config import BASE_DIR, CONFIGS, INSTANCE_DIR, Config
from portal.core.request import PortalRequest
from portal.core.sessions import KeptSerializerSessionInterface
from portal.ratelimit import init_rate_limits
from portal.security import register_security


def create_app(config: type[Config] | str | None = None, **overrides: Any) -> Flask:
    """Build an app: configuration, extensions, blueprints, CLI, error handlers, template helpers."""
    if config is None or isinstance(config, str):
        config = CONFIGS[config or os.environ.get("PORTAL_ENV", "development")]
    if hasattr(config, "check"):
        config.check()
    app = Flask(__name__, template_folder=str(BASE_DIR / "templates"), static_folder=str(BASE_DIR / "static"),
                instance_path=str(INSTANCE_DIR))
    app.request_class = PortalRequest
    app.session_interface = KeptSerializerSessionInterface()
    app.config.from_object(config)
    app.config.update(overrides)

    _import_models()
    _init_extensions(app)
    register_security(app)
    _register_blueprints(app)
    init_rate_limits(app)
    # After the security headers' and the limiter's hooks: HTTPS redirects and limits come before a cached page.
    from portal.pagecache import init_page_cache

    init_page_cache(app)

    from portal.cli import register_cli
    from portal.errors import register_error_handlers
    from portal.templating import register_template_helpers

    register_error_handlers(app)
    register_template_helpers(app)
    register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from portal.accounts.models import Guest, User
    from portal.accounts.services import session_user_with, user_for_session
    from portal.core.pg_connections import configure_engine
    from portal.core.write_queue import connection_factory
    from portal.extensions import csrf, db, login_manager, mail, migrate, size_sqlite_cache
    from portal.notifications.queries import UNREAD_COLUMN
    from portal.notifications.views import know_unread_notifications
    from portal.pagecache import know_content_token
    from portal.pagecache.versions import TOKEN_COLUMN

    factory = connection_factory(app.config["SQLALCHEMY_DATABASE_URI"])
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if factory is not None:  # SQLite writers wait their turn on a file lock rather than sleep and retry
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **options, "connect_args": {**options.get("connect_args", {}), "factory": factory}}
    elif url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg":
        # TCP keepalives: a peer gone without a word (a dropped NAT entry, a failover) shows on the socket within
        # about a minute, where the checkout's liveness check sees it (core.pg_connections).
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": {
            "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
            **options.get("connect_args", {})}}
    elif url.get_backend_name() == "postgresql":  # another driver: no liveness check of ours, so SQLAlchemy's ping
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_pre_ping": True}
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
        size_sqlite_cache(db.engine, app.config.get("SQLITE_CACHE_MB", 0))
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    login_manager.anonymous_user = Guest
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"

    page_user = select(User, UNREAD_COLUMN, TOKEN_COLUMN).where(User.id == bindparam("user_id"))

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        # The session and remember-me cookies carry "<id>:<session version>" (User.get_id): signing out, a new
        # password, a role change, a ban or a new address raises the version and old cookies stop working.
        if not has_request_context() or request.method != "GET":
            return user_for_session(session_id)
        # A page shows the bell and is drawn for a content version: both come with the person, in one statement.
        user, values = session_user_with(session_id, page_user)
        if user is not None:
            unread, token = values
            know_unread_notifications(unread)
            know_content_token(token)
        return user


def _import_models() -> None:
    # Relationships name each other by string; every mapped class must be imported before first use.
    from portal.api import models as _api  # noqa: F401
    from portal.audit import models as _audit  # noqa: F401
    from portal.exports import models as _exports  # noqa: F401
    from portal.invitations import models as _invitations  # noqa: F401
    from portal.moderation import models as _moderation  # noqa: F401
    from portal.network import models as _network  # noqa: F401
    from portal.notifications import models as _notifications  # noqa: F401
    from portal.pagecache import models as _pagecache  # noqa: F401
    from portal.people import models as _people  # noqa: F401
    from portal.reputation import models as _reputation  # noqa: F401
    from portal.screens import models as _screens  # noqa: F401
    from portal.triage import models as _triage  # noqa: F401
    from portal.webhooks import models as _webhooks  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.views import bp as accounts
    from portal.admin.views import bp as admin
    from portal.api.settings import pages as api_pages
    from portal.api.views import bp as api
    from portal.core.views import bp as core
    from portal.exports.views import bp as exports
    from portal.feeds.views import bp as feeds
    from portal.ideas.views import bp as ideas
    from portal.invitations.views import bp as invitations
    from portal.moderation.views import bp as moderation
    from portal.network.views import bp as network
    from portal.notifications.mention_views import bp as mentions
    from portal.notifications.views import bp as notifications
    from portal.people.views import bp as people
    from portal.prototypes.views import bp as prototypes
    from portal.reputation.views import bp as reputation
    from portal.roadmap.views import bp as roadmap
    from portal.screens.views import bp as screens
    from portal.search.views import bp as search
    from portal.seo.views import bp as seo
    from portal.triage.idea_actions import bp as idea_triage
    from portal.triage.views import bp as triage
    from portal.webhooks.views import bp as webhooks

    for blueprint in (core, accounts, admin, prototypes, ideas, triage, idea_triage, moderation, roadmap,
                      feeds, seo, search, notifications, mentions, api, api_pages, webhooks, exports, screens,
                      invitations, reputation, people, network):
        app.register_blueprint(blueprint)
