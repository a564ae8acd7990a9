"""The API's request and response bodies as pydantic models: they validate input and are the OpenAPI schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from portal.core.text import MAX_ID
from portal.ideas.models import BODY_MAX, COMMENT_MAX, TITLE_MAX, TITLE_MIN

Id = Field(ge=1, le=MAX_ID)
SortName = Literal["top", "trending", "new", "discussed"]
StageName = Literal["concept", "prototype", "pilot", "production"]


class Input(BaseModel):
    """Request bodies: exact JSON types, and unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Query(BaseModel):
    """Query strings: every value arrives as text; unknown parameters are ignored like everywhere on the web."""

    model_config = ConfigDict(extra="ignore")


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Problem(BaseModel):
    """An error, as RFC 9457 application/problem+json."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: dict[str, str] | None = Field(None, description="What is wrong with each field, by field name.")


# --- output -----------------------------------------------------------------------------------------------

class UserRef(Output):
    id: int
    display_name: str
    role: str


class ProductOut(Output):
    id: int
    slug: str
    name: str
    tagline: str
    description: str
    description_html: str
    created_at: datetime
    url: str


class PrototypeOut(Output):
    id: int
    product_id: int
    slug: str
    name: str
    version_label: str
    stage: StageName
    description: str
    description_html: str
    demo_url: str
    open_for_feedback: bool
    idea_count: int
    created_at: datetime
    url: str


class StatusOut(Output):
    id: int
    name: str
    color: str
    kind: Literal["open", "planned", "active", "done", "closed"]
    position: int
    retired: bool


class TagOut(Output):
    id: int
    name: str
    color: str
    internal: bool


class IdeaOut(Output):
    id: int
    title: str
    body: str
    body_html: str
    excerpt: str
    url: str
    product_id: int
    prototype_id: int
    author: UserRef
    status: StatusOut
    tags: list[TagOut]
    vote_count: int
    comment_count: int
    voted: bool = Field(description="Whether the caller has voted for it.")
    created_at: datetime
    edited_at: datetime | None
    merged_into_id: int | None
    shipped_in_id: int | None
    comments_locked: bool
    hidden: bool
    pending_approval: bool
    assignee: UserRef | None = Field(description="Shown to the team only; null for everyone else.")


class CommentOut(Output):
    id: int
    idea_id: int
    parent_id: int | None
    author: UserRef | None = Field(description="Null for a deleted comment kept as a placeholder for its replies.")
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    hidden: bool
    pending_approval: bool


class VoteOut(Output):
    idea_id: int
    voted: bool
    vote_count: int


class VoterOut(Output):
    user: UserRef
    voted_at: datetime
    on_behalf: bool
    source: str


class OnBehalfOut(Output):
    recorded: bool = Field(description="False when the person had already voted for the idea.")
    vote_count: int


class TokenInfo(Output):
    name: str
    scopes: list[Literal["read", "write", "triage"]]


class MeOut(Output):
    id: int
    display_name: str
    email: str
    role: str
    created_at: datetime
    unread_notifications: int
    token: TokenInfo | None = Field(description="The token this request used; null with the session cookie.")


class NotificationOut(Output):
    id: int
    event: str
    headline: str
    excerpt: str
    idea_id: int | None
    comment_id: int | None
    read: bool
    created_at: datetime


class ReadAllOut(Output):
    marked_read: int


class StatusChangeOut(Output):
    changed: bool = Field(description="False when the idea already had that status and no note was given.")
    idea: IdeaOut


# --- input ------------------------------------------------------------------------------------------------

class ProductIn(Input):
    name: str = Field(min_length=2, max_length=80)
    slug: str = Field("", max_length=80, description="Made from the name when left empty.")
    tagline: str = Field("", max_length=160)
    description: str = Field("", max_length=10_000, description="Markdown.")


class ProductPatch(Input):
    name: str | None = Field(None, min_length=2, max_length=80)
    slug: str | None = Field(None, max_length=80)
    tagline: str | None = Field(None, max_length=160)
    description: str | None = Field(None, max_length=10_000)


class PrototypeIn(Input):
    name: str = Field(min_length=2, max_length=80)
    slug: str = Field("", max_length=80)
    version_label: str = Field("", max_length=40)
    stage: StageName = "concept"
    description: str = Field("", max_length=10_000, description="Markdown.")
    demo_url: str = Field("", max_length=500)
    open_for_feedback: bool = True


class PrototypePatch(Input):
    name: str | None = Field(None, min_length=2, max_length=80)
    slug: str | None = Field(None, max_length=80)
    version_label: str | None = Field(None, max_length=40)
    stage: StageName | None = None
    description: str | None = Field(None, max_length=10_000)
    demo_url: str | None = Field(None, max_length=500)
    open_for_feedback: bool | None = None


class IdeaIn(Input):
    prototype_id: int = Id
    title: str = Field(min_length=TITLE_MIN, max_length=TITLE_MAX)
    body: str = Field("", max_length=BODY_MAX, description="Markdown.")


class IdeaPatch(Input):
    title: str | None = Field(None, min_length=TITLE_MIN, max_length=TITLE_MAX)
    body: str | None = Field(None, max_length=BODY_MAX)


class CommentIn(Input):
    body: str = Field(min_length=1, max_length=COMMENT_MAX, description="Markdown.")
    parent_id: int | None = Field(None, ge=1, le=MAX_ID, description="Reply to this comment.")


class CommentPatch(Input):
    body: str = Field(min_length=1, max_length=COMMENT_MAX)


class StatusChangeIn(Input):
    status_id: int = Id
    note: str = Field("", max_length=5_000, description="A public Markdown note shown in the idea's history.")
    shipped_in_id: int | None = Field(None, ge=1, le=MAX_ID, description="A done status: the prototype it shipped in.")


class TagsIn(Input):
    tag_ids: list[int] = Field(max_length=50, description="The idea's tags, replacing the ones it has.")


class AssigneeIn(Input):
    assignee_id: int | None = Field(ge=1, le=MAX_ID, description="A team member, or null for nobody.")


class MergeIn(Input):
    original_id: int = Id


class HideIn(Input):
    reason: str = Field(min_length=3, max_length=200)


class OnBehalfIn(Input):
    email: str = Field(min_length=3, max_length=254)
    source: str = Field(min_length=2, max_length=200, description="Where the feedback was given, for the team.")


# --- query strings ----------------------------------------------------------------------------------------

class PageQuery(Query):
    cursor: str | None = Field(None, max_length=500, description="`next_cursor` from the previous page.")
    limit: int = Field(20, ge=1, le=100)


class IdeaListQuery(PageQuery):
    product_id: int | None = Field(None, ge=1, le=MAX_ID)
    prototype_id: int | None = Field(None, ge=1, le=MAX_ID)
    status_id: int | None = Field(None, ge=1, le=MAX_ID)
    tag_id: int | None = Field(None, ge=1, le=MAX_ID)
    author_id: int | None = Field(None, ge=1, le=MAX_ID)
    sort: SortName = "trending"
    q: str | None = Field(None, max_length=200, description="Full-text search, best match first (ignores sort).")


class SimilarQuery(Query):
    title: str = Field("", max_length=200, description="What someone is typing; no words, no ideas.")
    product_id: int | None = Field(None, ge=1, le=MAX_ID)
