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
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
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
    MAIL_RETRY_BASE_SECONDS = int(os.environ.get("MAIL_RETRY_BASE_SECONDS", "30"))
    # A message claimed by a worker that died mid-send is handed to another worker after this long.
    MAIL_CLAIM_TIMEOUT_SECONDS = int(os.environ.get("MAIL_CLAIM_TIMEOUT_SECONDS", "600"))


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = normalize_database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:")
    )
    WTF_CSRF_ENABLED = False
    SITE_URL = "http://portal.test"
    MAIL_SERVER = ""


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

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
