"""The triage inbox at /triage: who may open it, its order, its filters, its counts, and bad filter values."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Idea
from portal.moderation.services import hide_idea
from portal.prototypes.models import Prototype
from portal.triage.models import Tag
from portal.triage.services import add_tag, assign, merge_ideas, save_tag
from portal.triage.statuses import set_status, status_by_name
from tests.factories import make_idea, make_product, make_prototype, make_user

NOW = datetime.now(UTC)


def row_ids(response) -> list[int]:
    """Ids of the inbox rows, top to bottom."""
    assert response.status_code == 200, response.status_code
    return [int(i) for i in re.findall(r'<tr id="idea-(\d+)"', response.get_data(as_text=True))]


def tab_counts(response) -> dict[str, int]:
    """The status tabs as {label: count}."""
    text = response.get_data(as_text=True)
    nav = re.search(r'<nav class="sort-tabs triage-status-tabs".*?</nav>', text, re.S).group(0)
    return {label: int(n) for label, n in re.findall(r'>([^<>]+?) <span class="triage-count">(\d+)</span>', nav)}


def _posted(idea: Idea, days_ago: float) -> None:
    db.session.execute(update(Idea).where(Idea.id == idea.id).values(created_at=NOW - timedelta(days=days_ago)))
    db.session.commit()


@pytest.fixture
def team(app):
    with app.app_context():
        return {role: make_user(role=role, display_name=f"{role.capitalize()} Person")
                for role in ("customer", "developer", "designer", "admin")}


@pytest.fixture
def inbox(app, team):
    """Six ideas across two products: New, Under review, Planned; tagged, assigned, voted and dated."""
    with app.app_context():
        designer, developer = (db.session.get(User, team[role].id) for role in ("designer", "developer"))
        alpha = make_prototype(make_product(name="Alpha"), name="Alpha one")
        alpha_two = make_prototype(alpha.product, name="Alpha two")
        beta = make_prototype(make_product(name="Beta"), name="Beta one")
        ideas = {
            "new_old": make_idea(prototype=alpha, title="New and old"),
            "new_young": make_idea(prototype=beta, title="New and young"),
            "review_old": make_idea(prototype=alpha_two, title="Under review and old"),
            "planned_mid": make_idea(prototype=alpha, title="Planned and middle aged"),
            "new_mid": make_idea(prototype=alpha, title="New and middle aged"),
            "review_young": make_idea(prototype=beta, title="Under review and young"),
        }
        for key, days in {"new_old": 30, "new_young": 1, "review_old": 40, "planned_mid": 10, "new_mid": 10,
                          "review_young": 2}.items():
            _posted(ideas[key], days)
        ideas = {key: db.session.get(Idea, idea.id) for key, idea in ideas.items()}
        review, planned = status_by_name("Under review"), status_by_name("Planned")
        for key in ("review_old", "review_young"):
            set_status(designer, ideas[key], review)
        set_status(designer, ideas["planned_mid"], planned)
        internal = save_tag(designer, None, name="Needs research", color="#aa3300", internal=True)
        public = save_tag(designer, None, name="Mobile", color="#2454d6", internal=False)
        add_tag(designer, ideas["new_old"], internal)
        add_tag(designer, ideas["review_young"], public)
        assign(designer, ideas["planned_mid"], developer)
        assign(designer, ideas["new_mid"], designer)
        db.session.execute(update(Idea).where(Idea.id == ideas["review_old"].id).values(vote_count=12))
        db.session.commit()
        return {"ideas": {key: idea.id for key, idea in ideas.items()}, "alpha": alpha.id, "alpha_two": alpha_two.id,
                "alpha_product": alpha.product_id, "beta_product": beta.product_id, "internal": internal.id,
                "public": public.id, "review": review.id, "planned": planned.id,
                "new": status_by_name("New").id}


# Who may open it ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/triage", "/triage/awaiting-approval", "/triage/hidden"])
def test_a_visitor_is_sent_to_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", ["/triage", "/triage/awaiting-approval", "/triage/hidden"])
def test_a_customer_is_refused(client, auth, team, path):
    auth.login(team["customer"])

    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/triage", "/triage/ideas/1/approve", "/triage/comments/1/approve",
                                  "/triage/ideas/1/restore"])
def test_a_customer_cannot_post_triage_actions(client, auth, team, path):
    auth.login(team["customer"])

    assert client.post(path, data={"ideas": "1", "status": "1"}).status_code == 403


@pytest.mark.parametrize("role", ["developer", "designer", "admin"])
@pytest.mark.parametrize("path", ["/triage", "/triage/awaiting-approval", "/triage/hidden"])
def test_the_team_opens_every_triage_page(client, auth, team, role, path):
    auth.login(team[role])

    assert client.get(path).status_code == 200


@pytest.mark.parametrize("role, shown", [("customer", False), ("developer", True), ("designer", True),
                                         ("admin", True)])
def test_the_header_links_to_triage_for_the_team_only(client, auth, team, role, shown):
    auth.login(team[role])

    assert ('href="/triage">Triage</a>' in client.get("/").get_data(as_text=True)) is shown


# What it shows, in which order ----------------------------------------------------------------------------------

def test_new_ideas_come_first_then_the_rest_oldest_first(client, auth, team, inbox):
    auth.login(team["designer"])
    ids = inbox["ideas"]

    assert row_ids(client.get("/triage")) == [
        ids["new_old"], ids["new_mid"], ids["new_young"],
        ids["review_old"], ids["planned_mid"], ids["review_young"],
    ]


def test_ideas_posted_at_the_same_moment_keep_a_stable_order(app, client, auth, team):
    with app.app_context():
        prototype = make_prototype()
        ids = [make_idea(prototype=prototype).id for _ in range(3)]
        db.session.execute(update(Idea).values(created_at=NOW))
        db.session.commit()
    auth.login(team["designer"])

    assert row_ids(client.get("/triage")) == sorted(ids)


def test_each_row_shows_what_triage_needs(app, client, auth, team, inbox):
    auth.login(team["designer"])

    text = client.get("/triage").get_data(as_text=True)
    row = re.search(rf'<tr id="idea-{inbox["ideas"]["planned_mid"]}".*?</tr>', text, re.S).group(0)

    assert f'href="/ideas/{inbox["ideas"]["planned_mid"]}/planned-and-middle-aged"' in row
    assert 'type="checkbox" name="ideas"' in row
    assert "Alpha" in row and "Alpha one" in row
    assert 'class="status-badge kind-planned"' in row and "Planned" in row
    assert "Developer Person" in row
    assert '<time datetime="' in row


def test_the_team_sees_internal_tags_in_the_inbox(client, auth, team, inbox):
    auth.login(team["developer"])

    text = client.get("/triage").get_data(as_text=True)

    assert "Needs research" in text and "is-internal" in text
    assert "Mobile" in text


def test_merged_duplicates_are_left_out_and_hidden_ideas_are_marked(app, client, auth, team, inbox):
    ids = inbox["ideas"]
    with app.app_context():
        designer = db.session.get(User, team["designer"].id)
        # Merges stay within a product: both of these are Alpha's.
        merge_ideas(designer, db.session.get(Idea, ids["new_mid"]), db.session.get(Idea, ids["new_old"]))
        hide_idea(designer, db.session.get(Idea, ids["review_old"]), "Spam link")
    auth.login(team["designer"])

    response = client.get("/triage")
    text = response.get_data(as_text=True)

    assert ids["new_mid"] not in row_ids(response)
    row = re.search(rf'<tr id="idea-{ids["review_old"]}" class="is-hidden">.*?</tr>', text, re.S).group(0)
    assert "Hidden" in row and "Spam link" in row


def test_ideas_awaiting_approval_are_marked(app, client, auth, team, inbox):
    ids = inbox["ideas"]
    with app.app_context():
        db.session.execute(update(Idea).where(Idea.id == ids["new_old"]).values(pending_approval=True))
        db.session.commit()
    auth.login(team["designer"])

    text = client.get("/triage").get_data(as_text=True)
    row = re.search(rf'<tr id="idea-{ids["new_old"]}".*?</tr>', text, re.S).group(0)

    assert "Awaiting approval" in row


def test_fifty_ideas_a_page_with_pagination(app, client, auth, team):
    with app.app_context():
        prototype = make_prototype()
        author = make_user()
        ids = [make_idea(author=author, prototype=prototype).id for _ in range(53)]
    auth.login(team["designer"])

    first = client.get("/triage")
    second = client.get("/triage?page=2")

    assert row_ids(first) == ids[:50]
    assert row_ids(second) == ids[50:]
    assert 'rel="next" href="/triage?page=2"' in first.get_data(as_text=True)
    assert "Page 2 of 2" in second.get_data(as_text=True)


@pytest.mark.parametrize("query, pages", [
    ("", [["new_old", "new_mid"], ["new_young", "review_old"], ["planned_mid", "review_young"]]),
    ("product={alpha_product}", [["new_old", "new_mid"], ["review_old", "planned_mid"]]),
    ("status={new}", [["new_old", "new_mid"], ["new_young"]]),
    ("status={review}", [["review_old", "review_young"]]),
])
def test_pages_run_on_across_the_new_and_the_rest(client, auth, team, inbox, monkeypatch, query, pages):
    monkeypatch.setattr("portal.triage.inbox.PER_PAGE", 2)
    auth.login(team["designer"])
    base = "/triage?" + query.format(**inbox) + "&page="

    seen = [row_ids(client.get(base + str(n))) for n in range(1, len(pages) + 1)]

    assert seen == [[inbox["ideas"][key] for key in page] for page in pages]


def test_a_page_past_the_end_shows_the_last_page(app, client, auth, team, inbox):
    auth.login(team["designer"])

    assert len(row_ids(client.get("/triage?page=999"))) == 6


def test_no_ideas_says_so(client, auth, team):
    auth.login(team["admin"])

    assert "No ideas yet." in client.get("/triage").get_data(as_text=True)


# Filters ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("product={alpha_product}", ["new_old", "new_mid", "review_old", "planned_mid"]),
    ("product={beta_product}", ["new_young", "review_young"]),
    ("prototype={alpha}", ["new_old", "new_mid", "planned_mid"]),
    ("prototype={alpha_two}", ["review_old"]),
    ("status={review}", ["review_old", "review_young"]),
    ("status={new}", ["new_old", "new_mid", "new_young"]),
    ("tag={internal}", ["new_old"]),
    ("tag={public}", ["review_young"]),
    ("assignee=none", ["new_old", "new_young", "review_old", "review_young"]),
    ("assignee=me", ["new_mid"]),
    ("assignee={developer}", ["planned_mid"]),
    ("votes=2", ["review_old"]),
    ("votes=0", ["new_old", "new_mid", "new_young", "review_old", "planned_mid", "review_young"]),
    ("from={days_ago_15}", ["new_mid", "new_young", "planned_mid", "review_young"]),
    ("to={days_ago_15}", ["new_old", "review_old"]),
    ("from={days_ago_10}&to={days_ago_10}", ["new_mid", "planned_mid"]),
    ("product={alpha_product}&status={new}&assignee=none", ["new_old"]),
    ("product={beta_product}&prototype={alpha}", []),
])
def test_each_filter_narrows_the_list(client, auth, team, inbox, query, expected):
    day = lambda n: (NOW - timedelta(days=n)).date().isoformat()  # noqa: E731
    url = "/triage?" + query.format(**inbox, developer=team["developer"].id, days_ago_15=day(15),
                                    days_ago_10=day(10))
    auth.login(team["designer"])

    assert row_ids(client.get(url)) == [inbox["ideas"][key] for key in expected]


def test_filters_are_kept_in_the_form_so_the_link_can_be_shared(client, auth, team, inbox):
    auth.login(team["designer"])

    text = client.get(f"/triage?product={inbox['alpha_product']}&assignee=me&votes=3&from=2026-01-02"
                      f"&tag={inbox['internal']}").get_data(as_text=True)

    assert f'<option value="{inbox["alpha_product"]}" selected>Alpha</option>' in text
    assert '<option value="me" selected>Assigned to me</option>' in text
    assert f'<option value="{inbox["internal"]}" selected>Needs research (internal)</option>' in text
    assert 'name="votes" min="0" max="1000000000" step="1" inputmode="numeric" value="3"' in text
    assert 'name="from" value="2026-01-02"' in text
    assert "Clear all" in text


def test_assigned_to_me_is_one_click_away(client, auth, team, inbox):
    auth.login(team["designer"])

    text = client.get("/triage").get_data(as_text=True)

    assert '<a href="/triage?assignee=me">Assigned to me</a>' in text


def test_every_filter_control_has_a_label(client, auth, team, inbox):
    auth.login(team["designer"])

    text = client.get("/triage").get_data(as_text=True)
    controls = re.findall(r'<(?:select|input|textarea)\b[^>]*\bid="([^"]+)"', text)

    assert controls
    for control in controls:
        assert f'for="{control}"' in text, control


# Counts per status --------------------------------------------------------------------------------------------

def test_counts_per_status_follow_the_filters_but_not_the_status_filter(client, auth, team, inbox):
    auth.login(team["designer"])

    everything = tab_counts(client.get("/triage"))
    alpha = tab_counts(client.get(f"/triage?product={inbox['alpha_product']}&status={inbox['review']}"))

    assert everything == {"All": 6, "New": 3, "Under review": 2, "Planned": 1, "In progress": 0, "Shipped": 0,
                          "Declined": 0, "Duplicate": 0}
    assert alpha == {"All": 4, "New": 2, "Under review": 1, "Planned": 1, "In progress": 0, "Shipped": 0,
                     "Declined": 0, "Duplicate": 0}


def test_status_tabs_keep_the_other_filters(client, auth, team, inbox):
    auth.login(team["designer"])

    text = client.get(f"/triage?product={inbox['alpha_product']}&page=1").get_data(as_text=True)

    assert f'href="/triage?product={inbox["alpha_product"]}&amp;status={inbox["review"]}"' in text


# Bad filter values --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, message", [
    ("product=abc", "There is no product “abc”"),
    ("product=99999999999999999999999", "There is no product"),
    ("product=-1", "There is no product"),
    ("prototype=1e3", "There is no prototype"),
    ("status=%00", "There is no status"),
    ("tag=９", "There is no tag"),
    ("tag=424242", "There is no tag"),
    ("assignee=somebody", "is not a team member"),
    ("assignee=999999999999999999", "is not a team member"),
    ("votes=-3", "can't be negative"),
    ("votes=lots", "must be a whole number"),
    ("votes=1.5", "must be a whole number"),
    ("votes=99999999999", "too large"),
    ("votes=" + "9" * 400, "must be a whole number"),
    ("from=2026-02-30", "is not a date"),
    ("from=yesterday", "is not a date"),
    ("to=99999-01-01", "is not a date"),
    ("from=2026-03-01&to=2026-01-01", "after the “to” date"),
    ("page=-4&page=x", None),
    ("to=9999-12-31&from=0001-01-01", None),
])
def test_bad_filter_values_are_explained_never_a_server_error(client, auth, team, inbox, query, message):
    auth.login(team["designer"])

    response = client.get("/triage?" + query)

    assert response.status_code == 200
    if message:
        assert message in html.unescape(response.get_data(as_text=True))


def test_an_ignored_filter_leaves_the_others_working(client, auth, team, inbox):
    auth.login(team["designer"])

    response = client.get(f"/triage?product=nope&status={inbox['planned']}")

    assert row_ids(response) == [inbox["ideas"]["planned_mid"]]
    assert "There is no product “nope”" in response.get_data(as_text=True)


def test_a_customer_cannot_see_through_filters_either(client, auth, team, inbox):
    auth.login(team["customer"])

    assert client.get(f"/triage?tag={inbox['internal']}").status_code == 403


# Cost ---------------------------------------------------------------------------------------------------------

def test_the_inbox_reads_a_fixed_number_of_queries_however_many_ideas(app, client, auth, team, count_queries):
    with app.app_context():
        prototype_id, author_id = make_prototype().id, make_user().id
        tag_id = save_tag(db.session.get(User, team["designer"].id), None, name="Tagged", color="#123456",
                          internal=False).id

    def grow(n):
        designer, developer = (db.session.get(User, team[role].id) for role in ("designer", "developer"))
        author, prototype = db.session.get(User, author_id), db.session.get(Prototype, prototype_id)
        for _ in range(n):
            idea = db.session.get(Idea, make_idea(author=author, prototype=prototype).id)
            add_tag(designer, idea, db.session.get(Tag, tag_id))
            assign(designer, idea, developer)

    with app.app_context():
        grow(2)
    auth.login(team["designer"])
    with count_queries() as few:
        assert client.get("/triage").status_code == 200
    with app.app_context():
        grow(10)
    with count_queries() as many:
        assert client.get("/triage").status_code == 200

    assert len(many) == len(few)
    ideas_reads = [s for s in many if re.search(r"\bFROM idea\b", s)]
    assert len(ideas_reads) <= 4, ideas_reads  # the page, its count, the counts per status, the moderation counts
