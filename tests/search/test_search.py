"""Full-text search: stemming, ranking, highlighting, filters, visibility, and an index that follows every change."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select, text

from portal.accounts.models import Guest
from portal.extensions import db
from portal.ideas import services as idea_services
from portal.moderation import services as moderation
from portal.search.index import rebuild_index
from portal.search.queries import SearchFilters, search_ideas, similar_ideas
from portal.search.text import highlight, search_terms
from portal.triage import services as triage
from portal.triage.models import Status
from portal.triage.statuses import set_status
from tests.factories import make_comment, make_idea, make_product, make_prototype, make_user

GUEST = Guest()


def titles(query, viewer=GUEST, filters=None, page=1) -> list[str]:
    return [hit.idea.title for hit in search_ideas(query, viewer, filters, page).hits]


@pytest.fixture
def people(ctx):
    return {"customer": make_user(), "other": make_user(), "designer": make_user("designer"),
            "admin": make_user("admin")}


# Stemming and ranking --------------------------------------------------------------------------------------

def test_charging_finds_charge_and_the_other_way_round(people):
    prototype = make_prototype()
    make_idea(people["customer"], prototype, "Charge the phone from the dock", body="")
    make_idea(people["customer"], prototype, "Unrelated idea about colours", body="")

    assert titles("charging") == ["Charge the phone from the dock"]
    assert titles("charges") == ["Charge the phone from the dock"]
    assert titles("CHARGED phones") == ["Charge the phone from the dock"]


def test_every_word_must_match(people):
    prototype = make_prototype()
    make_idea(people["customer"], prototype, "Battery lasts longer", body="")
    make_idea(people["customer"], prototype, "Battery widget on the lock screen", body="")

    assert titles("battery widget") == ["Battery widget on the lock screen"]
    assert titles("the battery and the widget") == ["Battery widget on the lock screen"]  # stop-words ignored


def test_a_title_match_ranks_above_a_description_match_above_a_comment_match(people):
    prototype = make_prototype()
    in_comment = make_idea(people["customer"], prototype, "Third idea", body="Nothing relevant here.")
    make_comment(people["other"], in_comment, "Please add calendar sync as well.")
    make_idea(people["customer"], prototype, "Second idea", body="It would be nice to sync my calendar.")
    make_idea(people["customer"], prototype, "Calendar sync with Google", body="Short.")

    assert titles("calendar sync") == ["Calendar sync with Google", "Second idea", "Third idea"]


# A small corpus of real-looking ideas, and near-duplicates someone might type.
CORPUS = [
    ("Dark mode for the dashboard", "The white background is hard on the eyes at night."),
    ("Dashboard widgets should be resizable", "Let me drag the corners of a widget."),
    ("Dark theme for the mobile app", "Match the phone's system theme."),
    ("Export reports to PDF", "For sharing with my manager, who does not log in."),
    ("Export the idea list as CSV", "So we can analyse votes in a spreadsheet."),
    ("Battery drains fast while charging", "The phone gets warm and loses charge."),
    ("Offline mode for the mobile app", "Keep working on the train without a connection."),
    ("Keyboard shortcuts in the editor", "Ctrl+B for bold, Ctrl+K for links."),
    ("Faster search on the dashboard", "Search takes seconds on big products."),
    ("Notify me by email when an idea ships", "A weekly digest would do."),
]
NEAR_DUPLICATES = [
    ("Dashboard in dark mode", "Dark mode for the dashboard"),
    ("export my reports as a PDF file", "Export reports to PDF"),
    ("phone battery drain when charging", "Battery drains fast while charging"),
    ("Use the mobile app offline", "Offline mode for the mobile app"),
    ("keyboard shortcut for the editor", "Keyboard shortcuts in the editor"),
    ("email notification when my idea shipped", "Notify me by email when an idea ships"),
    ("CSV export of ideas", "Export the idea list as CSV"),
]


@pytest.fixture
def corpus(people):
    prototype = make_prototype()
    for title, body in CORPUS:
        make_idea(people["customer"], prototype, title, body)
    return prototype


@pytest.mark.parametrize(("typed", "original"), NEAR_DUPLICATES)
def test_the_real_duplicate_comes_first_among_similar_ideas(corpus, people, typed, original):
    similar = similar_ideas(typed, people["other"], corpus.product_id)

    assert similar and similar[0].title == original
    assert len(similar) <= 5


@pytest.mark.parametrize(("query", "first"), [
    ("dark mode", "Dark mode for the dashboard"),
    ("exporting reports", "Export reports to PDF"),
    ("charging", "Battery drains fast while charging"),
    ("resizing widgets", "Dashboard widgets should be resizable"),
])
def test_search_ranks_the_best_match_first(corpus, query, first):
    assert titles(query)[0] == first


def test_similar_ideas_ignore_stop_words_and_nonsense(corpus, people):
    assert similar_ideas("the and of for a", people["other"]) == []
    assert similar_ideas("", people["other"]) == []
    assert similar_ideas("zzzz qqqq", people["other"]) == []


# Highlighting ----------------------------------------------------------------------------------------------

def test_matched_words_are_marked_and_everything_else_is_escaped(people):
    make_idea(people["customer"], make_prototype(), "<b>Charging</b> & <i>docks</i>",
              body="<script>alert(1)</script> Faster charging, please. " + "filler " * 80)

    hit = search_ideas("charge", GUEST).hits[0]

    assert str(hit.title) == "&lt;b&gt;<mark>Charging</mark>&lt;/b&gt; &amp; &lt;i&gt;docks&lt;/i&gt;"
    assert "<mark>charging</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert str(hit.snippet).count("filler") < 40  # a window around the match, not the whole text


def test_highlight_escapes_hostile_text_and_marks_only_words():
    marked = str(highlight('"><img src=x onerror=alert(1)> mark <mark>', ["mark", "img"]))

    assert "<img" not in marked
    assert marked.count("<mark>") == 3 and marked.count("</mark>") == 3
    assert "&lt;<mark>img</mark>" in marked


def test_a_match_only_in_the_comments_shows_the_comment(people):
    idea = make_idea(people["customer"], make_prototype(), "Something else", body="Nothing here.")
    make_comment(people["other"], idea, "Bluetooth pairing fails every morning.")

    hit = search_ideas("bluetooth", GUEST).hits[0]

    assert "<mark>Bluetooth</mark> pairing" in hit.snippet


def test_search_terms_are_plain_words_only():
    assert search_terms('"dark" AND (mode OR NEAR(x y)) -theme* ^title:z \x00') == \
        ["dark", "mode", "near", "x", "y", "theme", "title", "z"]
    assert len(search_terms("word " * 5000)) == 1
    assert len(search_terms(" ".join(f"w{i}" for i in range(100)))) == 16


# Filters and pagination ------------------------------------------------------------------------------------

def test_filters_by_product_prototype_status_and_tag(people):
    first, second = make_prototype(), make_prototype()
    other_product = make_prototype(make_product())
    a = make_idea(people["customer"], first, "Widget colours A", body="")
    b = make_idea(people["customer"], second, "Widget colours B", body="")
    make_idea(people["customer"], other_product, "Widget colours C", body="")
    planned = db.session.scalar(select(Status).where(Status.name == "Planned"))
    set_status(people["designer"], b, planned)
    public = triage.save_tag(people["designer"], None, name="Design", color="#123456", internal=False)
    secret = triage.save_tag(people["designer"], None, name="Secret", color="#123456", internal=True)
    triage.set_tags(people["designer"], a, [public])
    triage.set_tags(people["designer"], b, [secret])

    def parse(**args):
        return SearchFilters.parse(args, GUEST)

    assert sorted(titles("widget")) == ["Widget colours A", "Widget colours B", "Widget colours C"]
    assert sorted(titles("widget", filters=parse(product=first.product.slug))) == ["Widget colours A",
                                                                                   "Widget colours B"]
    assert titles("widget", filters=parse(prototype=second.slug)) == ["Widget colours B"]
    assert titles("widget", filters=parse(status=str(planned.id))) == ["Widget colours B"]
    assert titles("widget", filters=parse(tag=str(public.id))) == ["Widget colours A"]
    # An internal tag does not exist for visitors: the filter is ignored. The team can use it.
    assert len(titles("widget", filters=parse(tag=str(secret.id)))) == 3
    team = SearchFilters.parse({"tag": str(secret.id)}, people["designer"])
    assert titles("widget", people["designer"], team) == ["Widget colours B"]


def test_unknown_filter_values_are_ignored(people):
    make_idea(people["customer"], make_prototype(), "Widget colours", body="")

    filters = SearchFilters.parse({"product": "no-such\x00", "prototype": "../x", "status": "99999999999",
                                   "tag": "-1"}, GUEST)

    assert titles("widget", filters=filters) == ["Widget colours"]


def test_results_come_twenty_a_page(people):
    prototype = make_prototype()
    for n in range(25):
        make_idea(people["customer"], prototype, f"Printer idea number {n}", body="")

    first, second = search_ideas("printer", GUEST), search_ideas("printer", GUEST, page=2)

    assert (first.page.total, len(first.hits), len(second.hits)) == (25, 20, 5)
    assert not {h.idea.id for h in first.hits} & {h.idea.id for h in second.hits}


# Visibility ------------------------------------------------------------------------------------------------

def test_hidden_pending_and_merged_ideas_are_never_found_by_customers_or_visitors(people):
    prototype = make_prototype()
    hidden = make_idea(people["other"], prototype, "Zebra stripes hidden", body="")
    moderation.hide_idea(people["designer"], hidden, "spam spam")
    original = make_idea(people["other"], prototype, "Zebra stripes original", body="")
    duplicate = make_idea(people["other"], prototype, "Zebra stripes duplicate", body="")
    triage.merge_ideas(people["designer"], duplicate, original)
    moderation.set_hold_first_posts(people["admin"], True)
    newcomer = make_user()
    make_idea(newcomer, prototype, "Zebra stripes pending", body="")

    assert titles("zebra") == ["Zebra stripes original"]
    assert titles("zebra", people["customer"]) == ["Zebra stripes original"]
    # Its author sees their own idea waiting for approval, as on every list.
    assert sorted(titles("zebra", newcomer)) == ["Zebra stripes original", "Zebra stripes pending"]
    # The team finds hidden and held ideas; a merged duplicate lives on in its original for everyone.
    assert sorted(titles("zebra", people["designer"])) == ["Zebra stripes hidden", "Zebra stripes original",
                                                           "Zebra stripes pending"]


def test_each_search_sees_its_own_viewer_and_filters_though_the_statement_is_built_once(people):
    # One statement serves every search of a shape (audience, which filters, how many words); what differs
    # between two searches comes as parameters, and must never carry over from the one before.
    first, second = make_prototype(), make_prototype(make_product())
    make_idea(people["customer"], first, "Zebra crossing approved", body="")
    make_idea(people["customer"], second, "Zebra crossing elsewhere", body="")
    moderation.set_hold_first_posts(people["admin"], True)
    alice, bob = make_user(), make_user()
    make_idea(alice, first, "Zebra crossing by Alice", body="")
    make_idea(bob, second, "Zebra crossing by Bob", body="")

    for _ in range(2):
        assert sorted(titles("zebra crossing", alice)) == ["Zebra crossing approved", "Zebra crossing by Alice",
                                                           "Zebra crossing elsewhere"]
        assert sorted(titles("zebra crossing", bob)) == ["Zebra crossing approved", "Zebra crossing by Bob",
                                                         "Zebra crossing elsewhere"]
        for prototype, expected in ((first, ["Zebra crossing approved"]), (second, ["Zebra crossing elsewhere"])):
            filters = SearchFilters.parse({"product": prototype.product.slug}, GUEST)
            assert titles("zebra crossing", filters=filters) == expected
        assert titles("alice zebra", bob) == []
        assert titles("bob zebra", bob) == ["Zebra crossing by Bob"]


def test_the_snippet_text_of_any_page_of_results_comes_from_one_compiled_statement(people, caplog):
    # Each page of results reads its ideas' indexed text by id. With the ids written into the SQL, every search
    # compiled a new statement and filled the engine's cache of compiled statements with one-off entries.
    # A connection reads the log level when it opens: set before the searches below open theirs.
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine.Engine")
    prototype = make_prototype()
    make_idea(people["customer"], prototype, "Kettle boils too slowly", body="The kettle takes minutes.")
    make_idea(people["customer"], prototype, "Lamp flickers at night", body="The lamp flickers.")
    make_idea(people["customer"], prototype, "Lamp and kettle share a plug", body="Both at once.")

    for query in ("kettle", "lamp", "plug"):
        assert search_ideas(query, GUEST).hits

    messages = [record.getMessage() for record in caplog.records if record.name == "sqlalchemy.engine.Engine"]
    reads = [after for before, after in zip(messages, messages[1:], strict=False)
             if "body, comments FROM idea_search" in before]
    assert len(reads) == 3
    assert all("[cached since" in read for read in reads[1:])  # the first may be compiled by an earlier test


def test_hidden_comments_and_internal_notes_are_never_indexed(people):
    idea = make_idea(people["customer"], make_prototype(), "An ordinary idea", body="")
    comment = make_comment(people["other"], idea, "Quokka sightings everywhere")
    moderation.hide_comment(people["designer"], comment, "off topic")
    triage.add_internal_note(people["designer"], idea, "Pangolin budget is confidential")

    for viewer in (GUEST, people["customer"], people["designer"], people["admin"]):
        assert titles("quokka", viewer) == []
        assert titles("pangolin", viewer) == []


# The index follows every change ----------------------------------------------------------------------------

def test_the_index_follows_create_edit_and_delete(people):
    idea = make_idea(people["customer"], make_prototype(), "Walrus mode", body="")
    assert titles("walrus") == ["Walrus mode"]

    idea_services.edit_idea(people["customer"], idea, "Narwhal mode", "With tusks.")
    assert titles("walrus") == []
    assert titles("narwhal tusk") == ["Narwhal mode"]

    idea_services.delete_idea(people["customer"], idea)
    assert titles("narwhal") == []
    assert db.session.scalar(text("SELECT count(*) FROM idea_search")) == 0


def test_the_index_follows_comments_and_their_moderation(people):
    idea = make_idea(people["customer"], make_prototype(), "Plain title", body="")
    comment = make_comment(people["other"], idea, "Axolotl support please")
    assert titles("axolotl") == ["Plain title"]

    idea_services.edit_comment(people["other"], comment, "Capybara support please")
    assert (titles("axolotl"), titles("capybara")) == ([], ["Plain title"])

    moderation.hide_comment(people["designer"], comment, "off topic")
    assert titles("capybara", people["designer"]) == []
    moderation.restore_comment(people["designer"], comment)
    assert titles("capybara") == ["Plain title"]

    idea_services.delete_comment(people["other"], comment)
    assert titles("capybara") == []


def test_the_index_follows_hide_restore_approve_and_bans(people):
    prototype = make_prototype()
    idea = make_idea(people["other"], prototype, "Meerkat lookout", body="")
    moderation.hide_idea(people["designer"], idea, "spam spam")
    assert titles("meerkat") == []
    moderation.restore_idea(people["designer"], idea)
    assert titles("meerkat") == ["Meerkat lookout"]

    host = make_idea(people["customer"], prototype, "A host idea", body="")
    make_comment(people["other"], host, "Ocelot comment")
    moderation.ban_user(people["admin"], people["other"], "spamming", hide_content=True)
    assert (titles("meerkat"), titles("ocelot")) == ([], [])
    moderation.unban_user(people["admin"], people["other"])
    assert (titles("meerkat"), titles("ocelot")) == (["Meerkat lookout"], ["A host idea"])

    moderation.set_hold_first_posts(people["admin"], True)
    newcomer = make_user()
    held = make_comment(newcomer, host, "Wombat comment")
    assert titles("wombat") == []
    moderation.approve_comment(people["designer"], held)
    assert titles("wombat") == ["A host idea"]


def test_the_index_follows_merge_and_undo(people):
    prototype = make_prototype()
    original = make_idea(people["customer"], prototype, "Lemur original", body="")
    duplicate = make_idea(people["other"], prototype, "Lemur copy", body="")

    triage.merge_ideas(people["designer"], duplicate, original)
    assert titles("lemur") == ["Lemur original"]
    triage.unmerge_idea(people["designer"], duplicate)
    assert sorted(titles("lemur")) == ["Lemur copy", "Lemur original"]


def test_rebuilding_the_index_restores_it(people, runner):
    make_idea(people["customer"], make_prototype(), "Tapir tracks", body="")
    db.session.execute(text("DELETE FROM idea_search"))
    db.session.commit()
    assert titles("tapir") == []

    assert "Indexed 1 ideas." in runner.invoke(args=["search-reindex"]).output
    assert rebuild_index() == 1
    assert titles("tapir") == ["Tapir tracks"]
