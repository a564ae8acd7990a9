"""Ideas over HTTP: posting, the idea page, sorted and paginated lists, votes, comments and hostile text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from portal.extensions import db
from portal.ideas import services
from portal.ideas.models import Comment, Idea
from tests.factories import make_comment, make_idea, make_prototype, make_user

FORM = "application/x-www-form-urlencoded"
JSON = {"Accept": "application/json"}


class _Form(HTMLParser):
    """Field values, the selected option and the message beside each field, as a person would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self.errors: dict[str, str] = {}
        self._select: str | None = None
        self._capture: tuple[str, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs["name"]
            self.options[self._select] = []
        elif tag == "option" and self._select:
            self.options[self._select].append(attrs.get("value") or "")
            if "selected" in attrs:
                self.values[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._capture, self._text = ("value", attrs["name"]), []
        elif tag == "p" and attrs.get("class") == "error":
            self._capture, self._text = ("error", attrs["id"].removesuffix("-error")), []

    def handle_data(self, data):
        if self._capture:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif self._capture and tag in ("textarea", "p"):
            kind, name = self._capture
            text = "".join(self._text)
            if kind == "value":
                self.values.setdefault(name, text.removeprefix("\r\n").removeprefix("\n"))
            else:
                self.errors[name] = text.strip()
            self._capture = None


def read_form(response) -> _Form:
    form = _Form()
    form.feed(response.get_data(as_text=True))
    form.close()
    return form


def card_ids(response) -> list[int]:
    """Ids of the idea cards on a list page, top to bottom."""
    tags = re.findall(r"<article\b[^>]*>", response.get_data(as_text=True))
    return [int(re.search(r'\bid="idea-(\d+)"', tag).group(1)) for tag in tags if "idea-card" in tag]


def idea_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Idea))


def load_idea(app, idea_id: int) -> Idea:
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        db.session.expunge(idea)
        return idea


def page_text(client, url: str) -> str:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def world(app):
    """A signed-up customer and one product with an open and a closed prototype."""
    with app.app_context():
        user = make_user(display_name="Ada Customer")
        prototype = make_prototype(name="Open Beta")
        closed = make_prototype(prototype.product, open_for_feedback=False, name="Old Alpha")
        return {"user": user, "prototype": prototype, "closed": closed, "product_slug": prototype.product.slug}


# Posting an idea --------------------------------------------------------------------------------------------------

def test_posting_an_idea_leads_to_its_page(app, client, auth, world):
    auth.login(world["user"])

    response = client.post("/ideas/new", data={"prototype": world["prototype"].slug,
                                               "title": "Dark mode for the dashboard",
                                               "body": "Evenings are **hard** on the eyes."})

    assert response.status_code == 302
    match = re.fullmatch(r"/ideas/(\d+)/dark-mode-for-the-dashboard", response.headers["Location"])
    assert match
    page = page_text(client, response.headers["Location"])
    assert "Your idea is posted, with your vote." in page
    assert "<h1>Dark mode for the dashboard</h1>" in page
    assert "Evenings are <strong>hard</strong> on the eyes." in page
    assert "Ada Customer" in page
    idea = load_idea(app, int(match.group(1)))
    assert (idea.prototype_id, idea.vote_count) == (world["prototype"].id, 1)


def test_the_new_idea_form_offers_only_open_prototypes(app, client, auth, world):
    auth.login(world["user"])

    form = read_form(client.get("/ideas/new"))

    assert form.options["prototype"] == ["", world["prototype"].slug]


def test_the_new_idea_form_can_preselect_a_prototype(app, client, auth, world):
    auth.login(world["user"])

    form = read_form(client.get(f"/ideas/new?product={world['product_slug']}&prototype={world['prototype'].slug}"))

    assert form.values["prototype"] == world["prototype"].slug


def test_the_new_idea_form_says_so_when_nothing_is_open(app, client, auth):
    with app.app_context():
        user = make_user()
        make_prototype(open_for_feedback=False)
    auth.login(user)

    page = client.get("/ideas/new").get_data(as_text=True)

    assert "No prototype is open for feedback right now." in page


def test_posting_to_a_closed_prototype_is_refused(app, client, auth, world):
    auth.login(world["user"])

    response = client.post("/ideas/new", data={"prototype": world["closed"].slug, "title": "Sneaky idea",
                                               "body": "Let me in"})

    assert response.status_code == 422
    form = read_form(response)
    assert "not open for feedback" in form.errors["prototype"]
    assert form.values["title"] == "Sneaky idea"
    assert idea_count(app) == 0


def test_posting_an_idea_needs_an_account(client, world):
    response = client.get("/ideas/new")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("field, value, message", [
    ("prototype", "", "Choose the prototype"),
    ("prototype", "no-such-prototype", "not open for feedback. Choose one from the list"),
    ("title", "", "This field is required."),
    ("title", "    ", "This field is required."),
    ("title", "abc", "at least 4 characters"),
    ("title", "T" * 121, "120 characters or fewer"),
    ("title", "Title\x00with NUL", "control characters"),
    ("title", "Two\nlines", "control characters"),
    ("body", "b" * 10_001, "10,000 characters or fewer"),
    ("body", "Bell\x07", "control characters"),
    ("body", "[" * 500, "too many unclosed brackets"),
    ("body", "- " * 100, "nested at most"),
])
def test_bad_idea_input_is_explained_and_the_rest_is_kept(app, client, auth, world, field, value, message):
    auth.login(world["user"])
    data = {"prototype": world["prototype"].slug, "title": "A perfectly good title",
            "body": "A perfectly good body"}

    response = client.post("/ideas/new", data={**data, field: value})

    assert response.status_code == 422
    form = read_form(response)
    assert message in form.errors[field]
    for other in ("title", "body"):
        if other != field:
            assert form.values[other] == data[other]
    if field != "prototype":
        assert form.values["prototype"] == world["prototype"].slug
    assert idea_count(app) == 0


@pytest.mark.parametrize("body, field", [
    (b"prototype=SLUG&title=Bad%FF%FEtitle&body=fine", "title"),
    (b"prototype=SLUG&title=Fine+title&body=%C3%28", "body"),
    (b"prototype=SLUG%FF&title=Fine+title&body=fine", "prototype"),
])
def test_an_idea_with_invalid_utf8_is_explained_instead_of_crashing(app, client, auth, world, body, field):
    auth.login(world["user"])

    response = client.post("/ideas/new", data=body.replace(b"SLUG", world["prototype"].slug.encode()),
                           content_type=FORM)

    assert response.status_code == 422
    assert read_form(response).errors[field]
    assert idea_count(app) == 0


# The idea page ----------------------------------------------------------------------------------------------------

def test_a_wrong_slug_redirects_permanently_to_the_canonical_address(app, client):
    with app.app_context():
        idea = make_idea(title="Better search results")

    for path in (f"/ideas/{idea.id}/wrong-slug", f"/ideas/{idea.id}", f"/ideas/{idea.id}/BETTER-search-results"):
        response = client.get(path)
        assert response.status_code == 301
        assert response.headers["Location"] == f"/ideas/{idea.id}/better-search-results"


def test_the_canonical_address_follows_an_edited_title(app, client, auth):
    with app.app_context():
        author = make_user()
        idea = make_idea(author=author, title="First title")
    auth.login(author)

    response = client.post(f"/ideas/{idea.id}/edit", data={"title": "Second title", "body": "New body"})

    assert response.headers["Location"] == f"/ideas/{idea.id}/second-title"
    assert client.get(f"/ideas/{idea.id}/first-title").headers["Location"] == f"/ideas/{idea.id}/second-title"
    page = page_text(client, f"/ideas/{idea.id}/second-title")
    assert "New body" in page
    assert "edited" in page


def test_editing_an_idea_with_bad_input_keeps_what_was_typed(app, client, auth):
    with app.app_context():
        author = make_user()
        idea = make_idea(author=author, title="First title")
    auth.login(author)

    response = client.post(f"/ideas/{idea.id}/edit", data={"title": "no", "body": "Body typed just now"})

    assert response.status_code == 422
    form = read_form(response)
    assert "at least 4 characters" in form.errors["title"]
    assert form.values["body"] == "Body typed just now"
    assert load_idea(app, idea.id).title == "First title"


# Lists: sorting and pagination ------------------------------------------------------------------------------------

@pytest.fixture
def ranked(app):
    """Three ideas whose order differs under every sort.

    oldest: 4 votes, 1 comment; middle: 1 vote, 2 comments; newest: 2 votes, no comments.
    """
    with app.app_context():
        author = make_user()
        prototype = make_prototype()
        oldest = make_idea(author, prototype, title="Oldest idea")
        middle = make_idea(author, prototype, title="Middle idea")
        newest = make_idea(author, prototype, title="Newest idea")
        for _ in range(3):
            services.cast_vote(make_user(), oldest)
        services.cast_vote(make_user(), newest)
        make_comment(author, oldest)
        make_comment(author, middle)
        make_comment(author, middle)
        return {"slug": prototype.product.slug, "prototype_slug": prototype.slug,
                "oldest": oldest.id, "middle": middle.id, "newest": newest.id}


@pytest.mark.parametrize("sort, expected", [
    ("top", ["oldest", "newest", "middle"]),
    ("new", ["newest", "middle", "oldest"]),
    ("trending", ["oldest", "middle", "newest"]),
    ("discussed", ["middle", "oldest", "newest"]),
])
def test_product_ideas_sort_as_chosen(client, ranked, sort, expected):
    response = client.get(f"/products/{ranked['slug']}?sort={sort}")

    assert response.status_code == 200
    assert card_ids(response) == [ranked[name] for name in expected]


def test_prototype_ideas_sort_as_chosen(client, ranked):
    response = client.get(f"/prototypes/{ranked['prototype_slug']}?sort=top")

    assert card_ids(response) == [ranked["oldest"], ranked["newest"], ranked["middle"]]


@pytest.mark.parametrize("sort", ["", "bogus", "top'--", "{{7*7}}", "created_at desc"])
def test_an_unknown_sort_falls_back_to_trending(client, ranked, sort):
    response = client.get(f"/products/{ranked['slug']}", query_string={"sort": sort})

    assert response.status_code == 200
    assert card_ids(response) == [ranked["oldest"], ranked["middle"], ranked["newest"]]


def test_the_chosen_sort_is_marked_current(client, ranked):
    page = client.get(f"/products/{ranked['slug']}?sort=discussed").get_data(as_text=True)

    current = re.findall(r'<a\b[^>]*aria-current="page"[^>]*>([^<]*)</a>', page)
    assert [label.strip() for label in current] == ["Most discussed"]


@pytest.fixture
def many_ideas(app):
    with app.app_context():
        author = make_user()
        prototype = make_prototype()
        ids = [make_idea(author, prototype, title=f"Numbered idea {n}", body="").id for n in range(25)]
        return {"slug": prototype.product.slug, "ids": ids}


def test_lists_show_twenty_ideas_a_page_with_pagination(client, many_ideas):
    first = client.get(f"/products/{many_ideas['slug']}?sort=new")
    second = client.get(f"/products/{many_ideas['slug']}?sort=new&page=2")

    newest_first = list(reversed(many_ideas["ids"]))
    assert card_ids(first) == newest_first[:20]
    assert card_ids(second) == newest_first[20:]
    first_page = first.get_data(as_text=True)
    assert "Page 1 of 2" in first_page
    assert "25 ideas" in first_page
    next_link = re.search(r'<a\b[^>]*rel="next"[^>]*href="([^"]+)"', first_page).group(1)
    assert "page=2" in next_link and "sort=new" in next_link
    second_page = second.get_data(as_text=True)
    assert "Page 2 of 2" in second_page
    assert 'rel="prev"' in second_page
    assert 'rel="next"' not in second_page


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1.5", "", "%00", "1e3", "%FF"])
def test_a_nonsense_page_number_shows_the_first_page(client, many_ideas, page):
    response = client.get(f"/products/{many_ideas['slug']}?sort=new&page={page}")

    assert response.status_code == 200
    assert card_ids(response) == list(reversed(many_ideas["ids"]))[:20]


@pytest.mark.parametrize("page", ["3", "999999999999", "99999999999999999999999999999"])
def test_a_page_past_the_end_is_empty_not_an_error(client, many_ideas, page):
    response = client.get(f"/products/{many_ideas['slug']}?page={page}")

    assert response.status_code == 200
    assert card_ids(response) == []


def test_a_missing_product_is_not_found(client):
    assert client.get("/products/no-such-product?sort=top&page=2").status_code == 404


# Votes ------------------------------------------------------------------------------------------------------------

@pytest.fixture
def voting(app):
    with app.app_context():
        idea = make_idea(title="Worth a vote")
        voter = make_user()
        return {"idea": idea, "voter": voter, "url": f"/ideas/{idea.id}/worth-a-vote",
                "slug": idea.product.slug}


def test_voting_with_a_plain_form_returns_to_the_page(app, client, auth, voting):
    auth.login(voting["voter"])
    back = f"/products/{voting['slug']}?sort=top#idea-{voting['idea'].id}"

    response = client.post(f"/ideas/{voting['idea'].id}/vote", data={"action": "add", "next": back})

    assert response.status_code == 302
    assert response.headers["Location"] == back
    assert load_idea(app, voting["idea"].id).vote_count == 2
    page = page_text(client, voting["url"])
    assert 'aria-pressed="true"' in page
    assert re.search(r'name="action" value="remove"', page)


def test_voting_without_next_returns_to_the_idea(client, auth, voting):
    auth.login(voting["voter"])

    response = client.post(f"/ideas/{voting['idea'].id}/vote")

    assert response.headers["Location"] == voting["url"]


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "javascript:alert(1)"])
def test_voting_never_redirects_off_site(client, auth, voting, target):
    auth.login(voting["voter"])

    response = client.post(f"/ideas/{voting['idea'].id}/vote", data={"next": target})

    assert response.headers["Location"] == voting["url"]


def test_voting_from_script_gets_json_and_voting_twice_counts_once(client, auth, voting):
    auth.login(voting["voter"])
    url = f"/ideas/{voting['idea'].id}/vote"

    first = client.post(url, data={"action": "add"}, headers=JSON)
    second = client.post(url, data={"action": "add"}, headers=JSON)

    assert first.status_code == 200
    assert first.get_json() == {"voted": True, "vote_count": 2}
    assert second.get_json() == {"voted": True, "vote_count": 2}


def test_removing_a_vote_from_script_lowers_the_count(client, auth, voting):
    auth.login(voting["voter"])
    url = f"/ideas/{voting['idea'].id}/vote"
    client.post(url, data={"action": "add"}, headers=JSON)

    removed = client.post(url, data={"action": "remove"}, headers=JSON)
    again = client.post(url, data={"action": "remove"}, headers=JSON)

    assert removed.get_json() == {"voted": False, "vote_count": 1}
    assert again.get_json() == {"voted": False, "vote_count": 1}


def test_removing_a_vote_with_a_plain_form(app, client, auth, voting):
    auth.login(voting["voter"])
    url = f"/ideas/{voting['idea'].id}/vote"
    client.post(url)

    response = client.post(url, data={"action": "remove"})

    assert response.status_code == 302
    assert load_idea(app, voting["idea"].id).vote_count == 1


def test_a_visitor_vote_button_asks_them_to_sign_in(client, voting):
    page = page_text(client, voting["url"])
    product_page = page_text(client, f"/products/{voting['slug']}")

    assert f'href="/login?next={voting["url"]}%23idea-{voting["idea"].id}"' in page
    assert f'href="/login?next=/products/{voting["slug"]}%23idea-{voting["idea"].id}"' in product_page
    assert 'action="/ideas/' not in page


def test_a_visitor_cannot_vote_by_posting(app, client, voting):
    response = client.post(f"/ideas/{voting['idea'].id}/vote")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert load_idea(app, voting["idea"].id).vote_count == 1


def test_voting_on_a_missing_idea_is_not_found(client, auth, voting):
    auth.login(voting["voter"])

    assert client.post("/ideas/987654/vote").status_code == 404
    assert client.post("/ideas/987654/vote", headers=JSON).get_json()["status"] == 404


# Comments ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def discussion(app):
    with app.app_context():
        idea = make_idea(title="Talk about it")
        commenter = make_user(display_name="Chatty Person")
        return {"idea": idea, "commenter": commenter, "url": f"/ideas/{idea.id}/talk-about-it",
                "post": f"/ideas/{idea.id}/comments"}


def _comment_ids(app, idea_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(Comment.id).where(Comment.idea_id == idea_id).order_by(Comment.id)))


def test_commenting_shows_the_comment_on_the_idea(app, client, auth, discussion):
    auth.login(discussion["commenter"])

    response = client.post(discussion["post"], data={"body": "I *really* want this."})

    assert response.status_code == 302
    [comment_id] = _comment_ids(app, discussion["idea"].id)
    assert response.headers["Location"] == f"{discussion['url']}#comment-{comment_id}"
    page = page_text(client, discussion["url"])
    assert "Your comment is posted." in page
    assert "I <em>really</em> want this." in page
    assert re.search(r'id="comments-heading">\s*1 comment\s*<', page)
    assert "Chatty Person" in page


def test_replying_puts_the_reply_under_its_comment(app, client, auth, discussion):
    with app.app_context():
        parent = make_comment(make_user(), discussion["idea"], "Original point")
    auth.login(discussion["commenter"])

    response = client.post(discussion["post"], data={"body": "A reply to it", "parent_id": str(parent.id)})

    assert response.status_code == 302
    page = page_text(client, discussion["url"])
    replies = page.split('<div class="replies">', 1)
    assert len(replies) == 2
    assert "Original point" in replies[0]
    assert "A reply to it" in replies[1]


@pytest.mark.parametrize("body, message", [
    ("", "This field is required."),
    ("   \n  ", "This field is required."),
    ("c" * 5001, "5,000 characters or fewer"),
    ("Nul\x00here", "control characters"),
    ("[" * 300, "too many unclosed brackets"),
    (">" * 300, "nested at most"),
])
def test_a_bad_comment_is_explained_and_kept(app, client, auth, discussion, body, message):
    auth.login(discussion["commenter"])

    response = client.post(discussion["post"], data={"body": body})

    assert response.status_code == 422
    form = read_form(response)
    assert message in form.errors["body"]
    if body.strip() and "\x00" not in body:
        assert form.values["body"] == body
    assert _comment_ids(app, discussion["idea"].id) == []


def test_a_comment_with_invalid_utf8_is_explained(app, client, auth, discussion):
    auth.login(discussion["commenter"])

    response = client.post(discussion["post"], data=b"body=caf%E9+latte", content_type=FORM)

    assert response.status_code == 422
    assert "invalid UTF-8" in read_form(response).errors["body"]


def test_editing_ones_own_comment(app, client, auth, discussion):
    with app.app_context():
        comment = make_comment(discussion["commenter"], discussion["idea"], "First thought")
    auth.login(discussion["commenter"])

    form = read_form(client.get(f"/comments/{comment.id}/edit"))
    response = client.post(f"/comments/{comment.id}/edit", data={"body": "Second thought"})

    assert form.values["body"] == "First thought"
    assert response.status_code == 302
    assert response.headers["Location"] == f"{discussion['url']}#comment-{comment.id}"
    page = page_text(client, discussion["url"])
    assert "Second thought" in page
    assert "First thought" not in page
    assert "edited" in page


def test_editing_a_comment_with_bad_input_keeps_the_text(client, auth, app, discussion):
    with app.app_context():
        comment = make_comment(discussion["commenter"], discussion["idea"], "First thought")
    auth.login(discussion["commenter"])

    response = client.post(f"/comments/{comment.id}/edit", data={"body": "x" * 5001})

    assert response.status_code == 422
    form = read_form(response)
    assert "5,000 characters or fewer" in form.errors["body"]
    assert form.values["body"] == "x" * 5001


def test_nobody_edits_or_deletes_someone_elses_comment(app, client, auth, discussion):
    with app.app_context():
        comment = make_comment(make_user(), discussion["idea"], "Not yours")
    auth.login(discussion["commenter"])

    assert client.get(f"/comments/{comment.id}/edit").status_code == 403
    assert client.post(f"/comments/{comment.id}/edit", data={"body": "Hijacked"}).status_code == 403
    assert client.post(f"/comments/{comment.id}/delete").status_code == 403
    page = page_text(client, discussion["url"])
    assert "Not yours" in page
    assert "Hijacked" not in page


def test_deleting_ones_own_comment_removes_it(app, client, auth, discussion):
    with app.app_context():
        comment = make_comment(discussion["commenter"], discussion["idea"], "Regrettable remark")
    auth.login(discussion["commenter"])

    response = client.post(f"/comments/{comment.id}/delete")

    assert response.status_code == 302
    assert response.headers["Location"] == f"{discussion['url']}#comments"
    page = page_text(client, discussion["url"])
    assert "The comment is deleted." in page
    assert "Regrettable remark" not in page
    assert re.search(r'id="comments-heading">\s*0 comments\s*<', page)
    assert "Comment deleted" not in page


def test_a_deleted_comment_with_replies_leaves_a_placeholder(app, client, auth, discussion):
    with app.app_context():
        comment = make_comment(discussion["commenter"], discussion["idea"], "Regrettable remark")
        make_comment(make_user(), discussion["idea"], "A reply that stays", parent=comment)
    auth.login(discussion["commenter"])

    client.post(f"/comments/{comment.id}/delete")

    page = page_text(client, discussion["url"])
    assert "Comment deleted." in page
    assert "Regrettable remark" not in page
    assert "A reply that stays" in page


@pytest.mark.parametrize("role, label", [("developer", "Developer"), ("designer", "Designer"), ("admin", "Admin")])
def test_team_comments_show_the_role_badge(app, client, discussion, role, label):
    with app.app_context():
        make_comment(make_user(role=role, display_name="Team Member"), discussion["idea"], "From the team")

    page = page_text(client, discussion["url"])

    assert re.search(rf'<span class="badge badge-role badge-{role}"[^>]*>\s*{label}\s*</span>', page)
    assert re.search(r'class="comment[^"]*\bis-team\b', page)


def test_customer_comments_have_no_role_badge(app, client, discussion):
    with app.app_context():
        make_comment(make_user(role="customer"), discussion["idea"], "From a customer")

    page = page_text(client, discussion["url"])

    comment = page.split('id="comment-', 1)[1].split('<div class="item-actions">', 1)[0]
    assert "badge-role" not in comment


def test_a_visitor_is_invited_to_sign_in_to_comment(client, discussion):
    page = page_text(client, discussion["url"])

    assert f'href="/login?next={discussion["url"]}%23comments">Sign in</a>' in page
    assert 'id="comment-form"' not in page


def test_a_visitor_cannot_comment_by_posting(app, client, discussion):
    response = client.post(discussion["post"], data={"body": "Anonymous"})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert _comment_ids(app, discussion["idea"].id) == []


# Hostile text -----------------------------------------------------------------------------------------------------

XSS = "<script>alert(1)</script>"
SSTI = "Template {{7*7}} and {% print 7*7 %}"
SQL = "Quote ' OR 1=1-- and \"; DROP TABLE idea;--"


def _assert_literal(page: str) -> None:
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert SSTI in page
    assert "Template 49" not in page
    assert "and 49" not in page


def test_hostile_titles_bodies_comments_and_names_come_back_as_text(app, client, auth):
    with app.app_context():
        author = make_user(display_name=f"{XSS} {{{{7*7}}}}")
        prototype = make_prototype()
        product_slug = prototype.product.slug
        commenter = make_user(display_name=XSS)
    auth.login(author)

    title = f"{XSS} {SSTI}"[:120]
    posted = client.post("/ideas/new", data={"prototype": prototype.slug, "title": title,
                                             "body": f"{XSS}\n\n{SSTI}\n\n{SQL}"})
    idea_path = posted.headers["Location"]
    auth.logout()
    auth.login(commenter)
    client.post(f"{idea_path.rsplit('/', 1)[0]}/comments", data={"body": f"{SQL}\n\n{XSS}\n\n{SSTI}"})

    idea_page = page_text(client, idea_path)
    _assert_literal(idea_page)
    assert str(escape(title)) in idea_page
    assert "{{7*7}}" in idea_page
    # In the body and in the comment, word for word (the <head> also quotes the excerpt as og:description).
    assert html.unescape(idea_page.split("</head>", 1)[1]).count(SQL) == 2
    assert f"{str(escape(XSS))} {{{{7*7}}}}" in idea_page  # the author's display name

    list_page = page_text(client, f"/products/{product_slug}")
    _assert_literal(list_page)
    assert str(escape(title)) in list_page

    profile_page = page_text(client, f"/people/{commenter.id}")
    _assert_literal(profile_page)
    assert idea_count(app) == 1


@pytest.mark.parametrize("title", [
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "{{config.SECRET_KEY}}",
    "{{ request.environ }}",
    "' UNION SELECT email FROM user--",
    "</title><script>alert(1)</script>",
])
def test_hostile_titles_are_shown_escaped_everywhere(app, client, auth, title):
    with app.app_context():
        author = make_user()
        prototype = make_prototype()
        product_slug = prototype.product.slug
    auth.login(author)

    posted = client.post("/ideas/new", data={"prototype": prototype.slug, "title": title, "body": ""})

    assert posted.status_code == 302
    for url in (posted.headers["Location"], f"/products/{product_slug}", f"/people/{author.id}", "/"):
        page = page_text(client, url)
        assert str(escape(title)) in page
        assert "<script>alert" not in page and "<img src=x" not in page and "<svg onload" not in page
        assert "testing-secret" not in page
