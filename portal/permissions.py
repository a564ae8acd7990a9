"""Roles and every permission rule of the portal, as predicates; services enforce them, templates ask them."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from portal.errors import PermissionDenied

if TYPE_CHECKING:
    from portal.ideas.models import Comment, Idea
    from portal.prototypes.models import Prototype


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    DEVELOPER = "developer"
    DESIGNER = "designer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def is_team(self) -> bool:
        return self is not Role.CUSTOMER


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _role(user: Any) -> Role | None:
    return Role(user.role) if _signed_in(user) else None


def is_team(user: Any) -> bool:
    role = _role(user)
    return role is not None and role.is_team


def can_manage_products(user: Any) -> bool:
    return _role(user) in (Role.DESIGNER, Role.ADMIN)


def can_manage_users(user: Any) -> bool:
    return _role(user) is Role.ADMIN


def can_submit_idea(user: Any, prototype: Prototype) -> bool:
    return _signed_in(user) and prototype.open_for_feedback


def can_edit_idea(user: Any, idea: Idea) -> bool:
    return _signed_in(user) and (idea.author_id == user.id or is_team(user))


def can_delete_idea(user: Any, idea: Idea) -> bool:
    return _signed_in(user) and (idea.author_id == user.id or _role(user) is Role.ADMIN)


def can_vote(user: Any, idea: Idea) -> bool:
    return _signed_in(user)


def can_comment(user: Any, idea: Idea) -> bool:
    return _signed_in(user)


def can_edit_comment(user: Any, comment: Comment) -> bool:
    return _signed_in(user) and not comment.is_deleted and comment.author_id == user.id


def can_delete_comment(user: Any, comment: Comment) -> bool:
    if not _signed_in(user) or comment.is_deleted:
        return False
    return comment.author_id == user.id or _role(user) is Role.ADMIN


def require(allowed: bool, message: str = "") -> None:
    """Raise PermissionDenied unless the predicate allowed the action."""
    if not allowed:
        raise PermissionDenied(message)


JINJA_PREDICATES = {
    name: obj for name, obj in dict(globals()).items() if name.startswith("can_") or name == "is_team"
}
