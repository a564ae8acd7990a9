"""The caller's own account and notifications."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.api.auth import Caller
from portal.api.blueprint import bp
from portal.api.models import Scope
from portal.api.pagination import CursorPage, Order, keyset_page
from portal.api.schemas import MeOut, NotificationOut, PageQuery, ReadAllOut, TokenInfo
from portal.api.spec import operation
from portal.notifications import services
from portal.notifications.models import Notification
from portal.notifications.queries import present, unread_count

TAG = "Me"


@operation(bp, "GET", "/me", summary="Who am I", tag=TAG, signed_in=True, response=MeOut, errors=(401, 403))
def get_me(caller: Caller) -> MeOut:
    """The account the request is made as, and the token it used."""
    user, token = caller.user, caller.token
    info = TokenInfo(name=token.name, scopes=sorted(s.value for s in token.scope_set)) if token else None
    return MeOut(id=user.id, display_name=user.display_name, email=user.email, role=user.role,
                 created_at=user.created_at, unread_notifications=unread_count(user), token=info)


@operation(bp, "GET", "/me/notifications", summary="List your notifications", tag=TAG, signed_in=True,
           query=PageQuery, response=NotificationOut, paginated=True, errors=(400, 401, 403))
def list_notifications(caller: Caller, query: PageQuery) -> CursorPage:
    """Newest first; what you may no longer see is described without its title or words."""
    stmt = (select(Notification).where(Notification.user_id == caller.user.id)
            .options(joinedload(Notification.actor), joinedload(Notification.idea), joinedload(Notification.comment)))
    page = keyset_page(stmt, Order([(Notification.id, True)]), "notifications", lambda n: [n.id], query.cursor,
                       query.limit)
    items = [present(note, caller.user) for note in page.items]
    page.items = [NotificationOut(id=i.note.id, event=i.note.event, headline=i.headline, excerpt=i.excerpt,
                                  idea_id=i.idea.id if i.idea else None, comment_id=i.comment_id, read=not i.unread,
                                  created_at=i.note.created_at) for i in items]
    return page


@operation(bp, "POST", "/me/notifications/<int:notification_id>/read", summary="Mark a notification read",
           tag=TAG, scope=Scope.WRITE, signed_in=True, response=None, status=204, errors=(401, 403, 404))
def read_notification(caller: Caller, notification_id: int) -> None:
    """Mark one of your notifications read."""
    services.mark_read(caller.user, notification_id)


@operation(bp, "POST", "/me/notifications/read-all", summary="Mark all notifications read", tag=TAG,
           scope=Scope.WRITE, signed_in=True, response=ReadAllOut, errors=(401, 403))
def read_all_notifications(caller: Caller) -> ReadAllOut:
    """Mark every unread notification read; answers how many were unread."""
    return ReadAllOut(marked_read=services.mark_all_read(caller.user))
