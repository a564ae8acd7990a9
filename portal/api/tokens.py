"""Use cases for personal API tokens: make one (its secret is shown once), list, revoke, and authenticate."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from portal.accounts.models import User
from portal.api.models import ApiToken, Scope
from portal.core.models import utcnow
from portal.core.text import clean_text
from portal.errors import NotFound, ValidationError
from portal.extensions import db
from portal.permissions import can_manage_api_tokens, require

TOKEN_PREFIX = "ptl_"
NAME_MAX = 60
MAX_TOKENS = 20
# last_used_at is a hint for its owner, not an audit trail: writing it at most once a minute keeps reads read-only.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _clean_scopes(scopes: Iterable[str]) -> str:
    chosen = {s for s in scopes if s in Scope.__members__.values()}
    if not chosen or len(chosen) != len(set(scopes)):
        raise ValidationError({"scopes": "Choose at least one of the listed scopes."})
    return " ".join(s.value for s in Scope if s.value in chosen)


def create_token(actor: User, name: str, scopes: Iterable[str]) -> NewToken:
    """Make a token for the actor; the returned secret is never stored and cannot be shown again."""
    require(can_manage_api_tokens(actor))
    name = " ".join(clean_text(name, "name", min_len=1, max_len=NAME_MAX).split())
    scope_text = _clean_scopes(list(scopes))
    active = select(func.count()).select_from(ApiToken).where(ApiToken.user_id == actor.id,
                                                              ApiToken.revoked_at.is_(None))
    if (db.session.scalar(active) or 0) >= MAX_TOKENS:
        raise ValidationError({"name": f"You have {MAX_TOKENS} tokens already; revoke one you no longer use."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=actor.id, name=name, token_hash=hash_secret(secret), prefix=secret[:10],
                     scopes=scope_text, created_at=utcnow())
    db.session.add(token)
    db.session.commit()
    return NewToken(token=token, secret=secret)


def tokens_of(user: User) -> list[ApiToken]:
    """The person's tokens that still work, newest first."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens at once; anyone else's is not found."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id or token.is_revoked:
        raise NotFound()
    token.revoked_at = utcnow()
    db.session.commit()
    return token


def find_token(raw: str) -> ApiToken | None:
    """The live token for a presented secret, or None; the lookup is by hash, so timing says nothing."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(raw)))
    return token if token is not None and not token.is_revoked else None


def touch_token(token: ApiToken) -> None:
    """Record that the token was used, at most once per LAST_USED_RESOLUTION, in its own short transaction."""
    now, token_id, last_used = utcnow(), token.id, token.last_used_at
    if last_used is not None and now - last_used < LAST_USED_RESOLUTION:
        return
    # End the lookup's read transaction first: on SQLite a write as the first statement waits for the lock,
    # where upgrading a read transaction would fail at once under load.
    db.session.commit()
    try:
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        db.session.commit()
    except OperationalError:  # the hint can wait for the next request
        db.session.rollback()
