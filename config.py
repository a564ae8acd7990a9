"""Configuration classes; values come from environment variables with safe development defaults."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("PORTAL_INSTANCE_DIR", BASE_DIR / "instance"))


def normalize_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _flag(name: str, default: str = "") -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = normalize_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.sqlite'}")
    )
    # No pool_pre_ping: a PostgreSQL connection the database dropped is found without a round trip and replaced
    # on checkout (portal/core/pg_connections.py); a SQLite file has no connection to drop.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    # Covers are capped at 5 MB by the form; the request cap sits above it so the form can say so politely.
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 8 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session; a stale tab should not lose a long comment
    IDEAS_PER_PAGE = 20
    SITE_NAME = os.environ.get("SITE_NAME", "The Portal")
    # Links in email and anything else built outside a request use this, never the request's Host header.
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    # Where vulnerability reports go, published at /.well-known/security.txt (RFC 9116): a mailto: or https: URL.
    SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "")

    # Mail, by the conventional Flask-Mail(man) variables. Without MAIL_SERVER, messages are written to
    # OUTBOX_DIR as .eml files instead, so development and the demo need no mail server.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")
    MAIL_USE_SSL = _flag("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "The Portal <portal@localhost>")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "20"))
    OUTBOX_DIR = os.environ.get("OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    # Failed sends are retried with exponential backoff, this many times in all before a message is failed.
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
    # Connection requests one person may send in any 24 hours (portal/network).
    NETWORK_DAILY_REQUEST_CAP = int(os.environ.get("NETWORK_DAILY_REQUEST_CAP", "20"))
    # Introductions one person may ask the hosts for in any 24 hours (portal/network/asking.py).
    NETWORK_DAILY_ASK_CAP = int(os.environ.get("NETWORK_DAILY_ASK_CAP", "5"))
    MAIL_RETRY_BASE_SECONDS = int(os.environ.get("MAIL_RETRY_BASE_SECONDS", "30"))
    # A message claimed by a worker that died mid-send is handed to another worker after this long.
    MAIL_CLAIM_TIMEOUT_SECONDS = int(os.environ.get("MAIL_CLAIM_TIMEOUT_SECONDS", "600"))
    # Webhooks share the email worker: a timeout per request, retries with backoff, and an endpoint failing this
    # many attempts in a row over at least this long is disabled (the admins are told).
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
    WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "10"))
    WEBHOOK_RETRY_BASE_SECONDS = int(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "60"))
    WEBHOOK_CLAIM_TIMEOUT_SECONDS = int(os.environ.get("WEBHOOK_CLAIM_TIMEOUT_SECONDS", "600"))
    WEBHOOK_DISABLE_AFTER_FAILURES = int(os.environ.get("WEBHOOK_DISABLE_AFTER_FAILURES", "10"))
    WEBHOOK_DISABLE_AFTER_SECONDS = int(os.environ.get("WEBHOOK_DISABLE_AFTER_SECONDS", "3600"))
    # New accounts confirm their address by an emailed link before they may post, vote or comment. Off, sign-up
    # signs people in at once (and so cannot hide whether an address already has an account); on, sign-up
    # answers "check your email" for new and taken addresses alike. On unless an environment says otherwise.
    REQUIRE_EMAIL_VERIFICATION = _flag("REQUIRE_EMAIL_VERIFICATION", "on")

    # Rate limits (Flask-Limiter). In memory by default, which holds per process only; set REDIS_URL (or
    # RATELIMIT_STORAGE_URI) so every worker and machine shares one count. Values are "N per minute; M per hour".
    REDIS_URL = os.environ.get("REDIS_URL", "")
    RATELIMIT_ENABLED = not _flag("RATELIMIT_DISABLED")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")  # empty: REDIS_URL, else process-memory://
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "portal")
    RATELIMIT_STRATEGY = "fixed-window"
    RATELIMIT_HEADERS_ENABLED = True
    # If Redis goes away, count in memory until it is back rather than failing every limited request.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SIGN_IN = os.environ.get("RATELIMIT_SIGN_IN", "10 per minute; 60 per hour")
    RATELIMIT_SIGN_UP = os.environ.get("RATELIMIT_SIGN_UP", "5 per minute; 20 per hour")
    RATELIMIT_PASSWORD_RESET = os.environ.get("RATELIMIT_PASSWORD_RESET", "5 per minute; 20 per hour")
    RATELIMIT_SEARCH = os.environ.get("RATELIMIT_SEARCH", "60 per minute; 1000 per hour")
    # Writes are limited per address (generous: offices and schools share one) and per signed-in account.
    RATELIMIT_IDEA = os.environ.get("RATELIMIT_IDEA", "20 per minute; 200 per hour")
    RATELIMIT_IDEA_PER_USER = os.environ.get("RATELIMIT_IDEA_PER_USER", "5 per minute; 30 per hour")
    RATELIMIT_COMMENT = os.environ.get("RATELIMIT_COMMENT", "40 per minute; 400 per hour")
    RATELIMIT_COMMENT_PER_USER = os.environ.get("RATELIMIT_COMMENT_PER_USER", "10 per minute; 120 per hour")
    RATELIMIT_VOTE = os.environ.get("RATELIMIT_VOTE", "120 per minute; 2000 per hour")
    RATELIMIT_VOTE_PER_USER = os.environ.get("RATELIMIT_VOTE_PER_USER", "30 per minute; 500 per hour")
    RATELIMIT_PASSWORD_CHECK = os.environ.get("RATELIMIT_PASSWORD_CHECK", "5 per minute; 20 per hour")
    RATELIMIT_ACCOUNT_MAIL = os.environ.get("RATELIMIT_ACCOUNT_MAIL", "3 per minute; 10 per hour")
    RATELIMIT_UNSUBSCRIBE = os.environ.get("RATELIMIT_UNSUBSCRIBE", "30 per minute; 300 per hour")
    # The JSON API counts per token (per account with the session cookie, per address without either): every
    # request, and writes once more on their own.
    RATELIMIT_API = os.environ.get("RATELIMIT_API", "300 per minute; 5000 per hour")
    RATELIMIT_API_WRITE = os.environ.get("RATELIMIT_API_WRITE", "30 per minute; 500 per hour")

    # Spam: public forms refuse a filled honeypot and a submit sooner than this many seconds after the form was
    # shown; accounts without standing (younger than LINKS_STANDING_HOURS or without an approved post) may put
    # at most LINKS_WITHOUT_STANDING links in one idea or comment.
    SPAM_MIN_FILL_SECONDS = float(os.environ.get("SPAM_MIN_FILL_SECONDS", "2"))
    LINKS_WITHOUT_STANDING = int(os.environ.get("LINKS_WITHOUT_STANDING", "2"))
    LINKS_STANDING_HOURS = float(os.environ.get("LINKS_STANDING_HOURS", "24"))

    # Whole pages for visitors who are not signed in, kept until the next committed write or this many seconds
    # (relative times like "3 days ago" age meanwhile). In this process by default; in Redis with REDIS_URL.
    PAGE_CACHE_ENABLED = not _flag("PAGE_CACHE_DISABLED")
    CACHE_DEFAULT_TIMEOUT = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
    CACHE_THRESHOLD = int(os.environ.get("PAGE_CACHE_MAX_PAGES", "300"))  # per process, in-process store only

    # SQLite's page cache per connection, in MB (0: SQLite's own 2 MB). Posting a comment at 100,000 ideas now and then
    # merges search-index segments, re-reading them through the cache: 64 MB took a comment from about 15 to 8 ms
    # of CPU, at the price of about 60 MB more per worker (README, Performance).
    SQLITE_CACHE_MB = int(os.environ.get("SQLITE_CACHE_MB", "0"))

    # Headers. HSTS and the redirect to HTTPS belong to production only (see ProductionConfig).
    FORCE_HTTPS = False
    HSTS_SECONDS = 0
    # Behind a reverse proxy, trust this many proxies for X-Forwarded-For / -Proto / -Host (0: trust none).
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", "0"))
    PROXY_FIX_X_HOST = int(os.environ.get("PROXY_FIX_X_HOST", "0"))


class DevelopmentConfig(Config):
    DEBUG = False
    # Development and the demo (`make run`) need no mailbox to try the portal out.
    REQUIRE_EMAIL_VERIFICATION = _flag("REQUIRE_EMAIL_VERIFICATION", "off")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = normalize_database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:")
    )
    WTF_CSRF_ENABLED = False
    SITE_URL = "http://portal.test"
    MAIL_SERVER = ""
    REQUIRE_EMAIL_VERIFICATION = False  # tests that need it switch it on themselves
    # Tests that exercise limits and fill times build their own app with these turned on.
    RATELIMIT_ENABLED = False
    REDIS_URL = ""  # never a developer's Redis from the environment
    RATELIMIT_STORAGE_URI = ""
    SPAM_MIN_FILL_SECONDS = 0.0


class ProductionConfig(Config):
    # Each gunicorn worker serves GUNICORN_THREADS requests at once and needs a connection for each; the database
    # must allow WEB_CONCURRENCY x (DB_POOL_SIZE + DB_MAX_OVERFLOW) per app server (see docs/deploy.md).
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_size": int(os.environ.get("DB_POOL_SIZE") or int(os.environ.get("GUNICORN_THREADS") or 1) + 1),
        "max_overflow": int(os.environ.get("DB_MAX_OVERFLOW", "2")),
        "pool_timeout": int(os.environ.get("DB_POOL_TIMEOUT", "10")),
    }
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    # Usually the reverse proxy redirects to HTTPS; FORCE_HTTPS=1 makes the portal do it (with PROXY_FIX_X_PROTO).
    FORCE_HTTPS = _flag("FORCE_HTTPS")
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))

    @classmethod
    def check(cls) -> None:
        """Refuse to start with a development secret or an implicit database."""
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise RuntimeError(f"Production configuration needs {', '.join(missing)} in the environment.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
