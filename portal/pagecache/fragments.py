"""Parts of pages shared by every viewer who would see them alike, with each viewer's own bits filled in.

A fragment (an idea list with its pagination, say) is rendered once per content version, audience and address,
with slots where one viewer's state goes: their CSRF token and whether they voted for each idea. Viewers of one
audience (`permissions.list_audience`) see the same ideas with the same controls, so a signed-in page can skip the
list's queries and most of its rendering; filling the slots is one pass over the HTML and one query for the
viewer's votes. A member with ideas held for approval sees those too, so their fragments are their own.

Slots are HTML comments: `<` never survives escaping, so text a person typed can never forge one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import select

from portal.core.spam import HONEYPOT, SHOWN_AT, honeypot_html, shown_stamp
from portal.extensions import cache, db
from portal.pagecache import content_token, remember
from portal.permissions import is_team, list_audience, needs_email_verification

log = logging.getLogger(__name__)

_SLOT = re.compile(r"<!--slot:(csrf|shown|vote-action|vote-css|vote-pressed|part)(?::([\w-]+))?-->")
CSRF_SLOT = Markup("<!--slot:csrf-->")
SHOWN_SLOT = Markup("<!--slot:shown-->")


def part_slot(name: str) -> Markup:
    """Where a whole shared page takes a part rendered for each viewer (the site header, say): see `fill`."""
    return Markup(f"<!--slot:part:{name}-->")


@dataclass(frozen=True)
class VoteState:
    """What a vote button prints for one viewer: its form action, extra class and aria-pressed."""

    action: str
    css: str
    pressed: str


VOTED = VoteState("remove", " is-voted", "true")
NOT_VOTED = VoteState("add", "", "false")


@dataclass(frozen=True)
class VoteSlot:
    """Stands in for "did this viewer vote for idea N?" while a shared fragment is rendered."""

    idea_id: int

    @property
    def action(self) -> Markup:
        return Markup(f"<!--slot:vote-action:{self.idea_id}-->")

    @property
    def css(self) -> Markup:
        return Markup(f"<!--slot:vote-css:{self.idea_id}-->")

    @property
    def pressed(self) -> Markup:
        return Markup(f"<!--slot:vote-pressed:{self.idea_id}-->")


class VotesToFill:
    """Passed as `voted` to the idea cards of a shared fragment: every card gets slots instead of an answer."""


VOTES_TO_FILL = VotesToFill()


def vote_of(voted: Collection[int] | VotesToFill, idea_id: int) -> bool | VoteSlot:
    """For idea cards: whether the viewer voted for the idea, or a slot when the fragment is shared."""
    return VoteSlot(idea_id) if isinstance(voted, VotesToFill) else idea_id in voted


def vote_state(voted: bool | VoteSlot) -> VoteState | VoteSlot:
    """For vote buttons: the button's wording for a known answer, or the slot's markers."""
    if isinstance(voted, VoteSlot):
        return voted
    return VOTED if voted else NOT_VOTED


def spam_fields_slot(form_key: object = "") -> Markup:
    """`spam_fields` for a shared fragment: the time shown is stamped when the fragment is filled."""
    field_id = f"{HONEYPOT}-{form_key}" if form_key != "" else HONEYPOT
    return honeypot_html(field_id) + Markup(f'<input type="hidden" name="{SHOWN_AT}" value="{SHOWN_SLOT}">')


# Passed to render_template for a shared fragment: the personal values a template would print become slots.
SLOT_CONTEXT: dict[str, Any] = {"csrf_token": lambda: CSRF_SLOT, "spam_fields": spam_fields_slot}
# For a whole shared page: base.html prints part slots where the viewer's header and notices go.
PAGE_SLOT_CONTEXT: dict[str, Any] = {**SLOT_CONTEXT, "part_slot": part_slot, "shared_page": True}


@dataclass
class Fragment:
    html: str
    idea_ids: list[int] = field(default_factory=list)
    # People whose own rows the fragment shows (comment authors): they see controls others don't.
    people: list[int] = field(default_factory=list)


def fill(fragment: Fragment, voted: Collection[int] = (), parts: Mapping[str, Callable[[], str]] | None = None
         ) -> Markup:
    """The fragment for this viewer: their CSRF token, form stamp, vote states and `parts` in place of the slots.

    `parts` maps a part slot's name to what renders it for this viewer; each is called at most once.
    """
    made: dict[str, str] = {}

    def one(match: re.Match[str]) -> str:
        name, arg = match.group(1), match.group(2)
        if name == "csrf":
            return made.get(name) or made.setdefault(name, generate_csrf())
        if name == "shown":
            return made.get(name) or made.setdefault(name, str(escape(shown_stamp())))
        if name == "part":
            key = f"part:{arg}"
            return made[key] if key in made else made.setdefault(key, str((parts or {})[arg]()))
        state = VOTED if int(arg) in voted else NOT_VOTED
        return getattr(state, name.removeprefix("vote-"))

    return Markup(_SLOT.sub(one, fragment.html))


def _holds_ideas(viewer: Any) -> bool:
    from portal.ideas.models import Idea

    return remember(f"held-ideas:{viewer.id}", lambda: db.session.scalar(
        select(Idea.id).where(Idea.author_id == viewer.id, Idea.pending_approval.is_(True),
                              Idea.hidden_at.is_(None), Idea.merged_into_id.is_(None)).limit(1)) is not None)


AUDIENCE_KEY = "audience_key"  # in g for the rest of the request (forgotten after it: see init_page_cache)


def audience_key(viewer: Any) -> str:
    """The audience, narrowed to the one person when they have ideas held for approval (only they see those)."""
    asked = (viewer.id, content_token())  # asked more than once per request, with no write between
    known = g.get(AUDIENCE_KEY)
    if known is not None and known[0] == asked:
        return known[1]
    audience = list_audience(viewer)
    if audience.startswith("member") and _holds_ideas(viewer):
        audience = f"{audience}:{viewer.id}"
    setattr(g, AUDIENCE_KEY, (asked, audience))
    return audience


def shared_fragment(name: str, audience: str, render: Callable[[], Fragment],
                    own: tuple[str, Callable[[Fragment], bool]] | None = None) -> Fragment:
    """`render()`, or its copy from an earlier request of the same audience at this address since the last write.

    `own` is (the viewer's own audience, a test of a fragment): when the test says the viewer sees something of
    their own in it, their copy is kept under their own audience, and the shared one is never rendered for them.
    """
    token = content_token() if current_app.config["PAGE_CACHE_ENABLED"] else None
    if token is None:
        return render()
    address = f"{name}:{{}}:{request.scheme}://{request.host}{request.full_path}"
    fragment = _get(f"fragment:{token}:{address.format(audience)}")
    if fragment is not None and (own is None or not own[1](fragment)):
        return fragment
    if own is not None:  # no shared copy, or one not for this viewer: theirs if they have one, or render it
        mine = _get(f"fragment:{token}:{address.format(own[0])}")
        if mine is not None:
            return mine
    fragment = render()  # always as the current viewer sees it
    if own is not None and own[1](fragment):
        audience = own[0]
    if _holds_viewers_token(fragment):  # a template printed it instead of a slot: never hand it to anyone else
        log.error("not shared: %s printed the viewer's CSRF token instead of a slot", name)
        return fragment
    _set(f"fragment:{token}:{address.format(audience)}", fragment)
    return fragment


def _holds_viewers_token(fragment: Fragment) -> bool:
    # Flask-WTF keeps the token it made for this request in g; none made means none printed.
    made = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    return bool(made) and made in fragment.html


def shares_pages(viewer: Any) -> bool:
    """Whether `viewer` is served whole pages shared with their audience: signed-in people outside the team.

    Team members see controls that differ by role and by what they watch; their pages are rendered for them.
    """
    return (viewer.is_authenticated and not is_team(viewer) and current_app.config["PAGE_CACHE_ENABLED"])


def shared_page(render: Callable[[], Fragment], parts: Mapping[str, Callable[[], str]] | None = None, *,
                audience: str | None = None, own: tuple[str, Callable[[Fragment], bool]] | None = None) -> Markup:
    """A whole page (rendered with PAGE_SLOT_CONTEXT) shared by the viewer's audience, filled in for them: their
    header and notices, CSRF token, form stamps, votes, and any other `parts` the page leaves as part slots.

    `audience` overrides the viewer's audience; `own` is as for `shared_fragment`."""
    from portal.ideas.queries import voted_idea_ids

    viewer = current_user._get_current_object()
    fragment = shared_fragment("page", audience or audience_key(viewer), render, own=own)
    return fill(fragment, voted_idea_ids(viewer, fragment.idea_ids), {
        "header": site_header,
        "notices": _notices,
        **(parts or {}),
    })


def site_header() -> str:
    """The viewer's site header, kept per person and kind of page until the next write. Their unread count is
    part of the key (reading notifications is not a content write); their CSRF token is filled in each time."""
    from portal.notifications.views import unread_notifications

    endpoint = request.endpoint or ""
    query = request.args.get("q", "")[:500] if endpoint == "search.search" else ""  # the search box shows it
    key = f"header:{current_user.id}:{unread_notifications()}:{endpoint}:{query}"
    html = remember(key, lambda: render_template("_site_header.html", csrf_token=lambda: CSRF_SLOT))
    return html.replace(CSRF_SLOT, generate_csrf())


def _notices() -> str:
    # Most views have none: the template is rendered only when there is a banner or a flashed message to show.
    if not needs_email_verification(current_user._get_current_object()) and "_flashes" not in session:
        return ""
    return render_template("_notices.html")


def _get(key: str) -> Fragment | None:
    try:
        stored = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache that is down means rendering afresh, never an error page
        log.warning("fragment cache unavailable", exc_info=True)
        return None
    return None if stored is None else Fragment(*stored)


def _set(key: str, fragment: Fragment) -> None:
    try:
        cache.set(key, (fragment.html, fragment.idea_ids, fragment.people))
    except Exception:  # noqa: BLE001 - see _get
        log.warning("fragment cache unavailable", exc_info=True)
