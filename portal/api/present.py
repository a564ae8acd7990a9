"""Rows as the API shows them to one caller: internal details only for the team, addresses built on SITE_URL."""

from __future__ import annotations

from typing import Any

from portal.api.schemas import (
    CommentOut,
    IdeaOut,
    ProductOut,
    PrototypeOut,
    StatusOut,
    TagOut,
    UserRef,
)
from portal.core.text import slugify
from portal.core.urls import external_url
from portal.ideas.models import Comment, Idea
from portal.permissions import can_see_internal
from portal.prototypes.models import Product, Prototype


def user_ref(user: Any) -> UserRef:
    return UserRef(id=user.id, display_name=user.display_name, role=user.role)


def product_out(product: Product) -> ProductOut:
    return ProductOut(
        id=product.id, slug=product.slug, name=product.name, tagline=product.tagline,
        description=product.description, description_html=product.description_html,
        created_at=product.created_at, url=external_url("prototypes.product", slug=product.slug))


def prototype_out(prototype: Prototype) -> PrototypeOut:
    return PrototypeOut(
        id=prototype.id, product_id=prototype.product_id, slug=prototype.slug, name=prototype.name,
        version_label=prototype.version_label, stage=prototype.stage, description=prototype.description,
        description_html=prototype.description_html, demo_url=prototype.demo_url,
        open_for_feedback=prototype.open_for_feedback, idea_count=prototype.idea_count,
        created_at=prototype.created_at, url=external_url("prototypes.prototype", slug=prototype.slug))


def tag_out(tag: Any) -> TagOut:
    return TagOut(id=tag.id, name=tag.name, color=tag.color, internal=tag.internal)


def status_out(status: Any) -> StatusOut:
    return StatusOut(id=status.id, name=status.name, color=status.color, kind=status.kind, position=status.position,
                     retired=status.retired)


def idea_out(idea: Idea, viewer: Any, voted: set[int]) -> IdeaOut:
    team = can_see_internal(viewer)
    return IdeaOut(
        id=idea.id, title=idea.title, body=idea.body, body_html=idea.body_html, excerpt=idea.excerpt,
        url=external_url("ideas.show", idea_id=idea.id, slug=slugify(idea.title) or "idea"),
        product_id=idea.product_id, prototype_id=idea.prototype_id, author=user_ref(idea.author),
        status=status_out(idea.status), tags=[tag_out(t) for t in idea.tags if team or not t.internal],
        vote_count=idea.vote_count, comment_count=idea.comment_count, voted=idea.id in voted,
        created_at=idea.created_at, edited_at=idea.edited_at, merged_into_id=idea.merged_into_id,
        shipped_in_id=idea.shipped_in_id, comments_locked=idea.comments_locked, hidden=idea.hidden_at is not None,
        pending_approval=idea.pending_approval,
        assignee=user_ref(idea.assignee) if team and idea.assignee is not None else None,
    )


def comment_out(comment: Comment) -> CommentOut:
    deleted = comment.is_deleted
    return CommentOut(
        id=comment.id, idea_id=comment.idea_id, parent_id=comment.parent_id,
        author=None if deleted else user_ref(comment.author), body="" if deleted else comment.body,
        body_html="" if deleted else comment.body_html, created_at=comment.created_at, edited_at=comment.edited_at,
        deleted=deleted, hidden=comment.hidden_at is not None, pending_approval=comment.pending_approval,
    )
