"""@mentions: who a text names, how it renders, who hears of it, and the suggestions while typing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas import services as ideas
from portal.ideas.models import Comment, Idea
from portal.markup import render_markdown
from portal.markup_refresh import rerender_all
from portal.moderation import services as moderation
from portal.notifications.mentions import MAX_MENTIONS, find_mentions, mention_links, render_with_mentions
from portal.notifications.models import Event, Notification
from portal.triage import services as triage
from portal.triage.models import InternalNote
from tests.core.test_markup import dangerous_parts
from tests.factories import make_comment, make_idea, make_user

# --- helpers --------------------------------------------------------------------------------------------------


def _fresh(idea: Idea) -> Idea:
    return db.session.get(Idea, idea.id)


def _events(user: User) -> list[str]:
    return list(db.session.scalars(select(Notification.event).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def _found(text: str, idea: Idea | None = None) -> dict[str, int]:
    return {key: user.id for key, user in find_mentions(text, idea).items()}


def _rendered(text: str, idea: Idea | None = None) -> str:
    return render_with_mentions(text, "body", idea)[0]


def _link(user: User, written: str) -> str:
    return f'<a class="mention" href="/people/{user.id}" rel="nofollow ugc noopener">@{written}</a>'


# --- who a text mentions ------------------------------------------------------------------------------------------


def test_the_longest_name_wins_and_up_to_four_words_are_read(ctx):
    ana, ana_berg = make_user(display_name="Ana"), make_user(display_name="Ana Berg")
    cruz = make_user(display_name="Maria de la Cruz")
    assert _found("Thanks @Ana Berg for this") == {"ana berg": ana_berg.id}
    assert _found("@Ana Bergman disagrees") == {"ana": ana.id}
    assert _found("cc @Maria de la Cruz Lopez and @ana") == {"maria de la cruz": cruz.id, "ana": ana.id}


def test_names_match_whatever_the_case_and_keep_the_case_written(ctx):
    ana_berg = make_user(display_name="Ana Berg")
    assert _found("@ANA BERG and @ana berg") == {"ana berg": ana_berg.id}
    rendered = _rendered("Hi @aNa bErG!")
    assert rendered == f"<p>Hi {_link(ana_berg, 'aNa bErG')}!</p>"


@pytest.mark.parametrize("name, written", [
    ("Zoë Ørsted", "Zoë Ørsted"),
    ("Zoë Ørsted", "zoë Ørsted"),
    ("Łukasz Żółw", "Łukasz Żółw"),
    ("李小龙", "李小龙"),
    ("Ωμέγα Δέλτα", "Ωμέγα Δέλτα"),
    ("Anne-Marie O'Brien", "anne-marie o'brien"),
    ("J.R. Smith", "J.R. Smith"),
    ("R2 D2", "r2 d2"),
])
def test_names_in_any_script_with_digits_dots_hyphens_and_apostrophes(ctx, name, written):
    person = make_user(display_name=name)
    assert _found(f"Ask @{written}, please.") == {written.lower(): person.id}


def test_names_differing_only_in_non_ascii_case_match_on_postgresql(ctx):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite's lower() folds only A-Z: there the non-ASCII letters must be written in their case")
    elodie = make_user(display_name="Élodie Ørsted")
    assert _found("@ÉLODIE ØRSTED") == {"élodie ørsted": elodie.id}


@pytest.mark.parametrize("text", ["@Ana.", "@Ana,", "(@Ana)", "“@Ana”", "@Ana's idea", "@Ana’s idea", "@Ana!"])
def test_punctuation_and_possessives_after_a_name_are_not_part_of_it(ctx, text):
    ana = make_user(display_name="Ana")
    assert _found(text) == {"ana": ana.id}
    assert _link(ana, "Ana") in _rendered(text)


@pytest.mark.parametrize("text", [
    "write to ana@example.com",
    "see https://social.example/@example",
    "`@example` in code",
    "```\n@example in a fenced block\n```",
    "    @example in an indented block",
    "[@example](https://example.com) in a link",
    '<span title="@example">raw HTML attribute</span>',
    "\\@example escaped",
    "nobody @exampled here",
])
def test_email_addresses_urls_code_and_links_are_not_mentions(ctx, text):
    make_user(display_name="example")
    assert _found(text) == {}
    assert 'class="mention"' not in _rendered(text)


def test_a_shared_name_goes_to_the_one_who_took_part_in_the_idea_or_to_nobody(ctx):
    first, second = make_user(display_name="Sam Lee"), make_user(display_name="Sam Lee")
    idea = make_idea()
    assert _found("@Sam Lee", _fresh(idea)) == {}
    assert _found("@Sam Lee") == {}
    make_comment(second, _fresh(idea))
    assert _found("@Sam Lee", _fresh(idea)) == {"sam lee": second.id}
    ideas.cast_vote(first, _fresh(idea))
    assert _found("@Sam Lee", _fresh(idea)) == {}  # both took part: still ambiguous
    rendered = _rendered("@Sam Lee", _fresh(idea))
    assert rendered == "<p>@Sam Lee</p>"


def test_an_ambiguous_longer_name_does_not_fall_back_to_a_shorter_one(ctx):
    make_user(display_name="Sam Lee"), make_user(display_name="Sam Lee")
    sam = make_user(display_name="Sam")
    assert _found("@Sam Lee and @Sam") == {"sam": sam.id}
    rendered = _rendered("@Sam Lee and @Sam")
    assert rendered == f"<p>@Sam Lee and {_link(sam, 'Sam')}</p>"


def test_banned_and_contact_accounts_are_never_mentioned(ctx):
    banned, contact = make_user(display_name="Bad Actor"), make_user(display_name="Vera Contact")
    banned.banned_at = utcnow()
    db.session.get(User, contact.id).is_contact = True
    db.session.merge(banned)
    db.session.commit()
    assert _found("@Bad Actor @Vera Contact") == {}
    twin = make_user(display_name="Bad Actor")  # a banned namesake makes nobody ambiguous
    assert _found("@Bad Actor") == {"bad actor": twin.id}


def test_at_most_twenty_people_are_mentioned_in_one_text(ctx):
    people = [make_user(display_name=f"Crowd {n:02d}") for n in range(MAX_MENTIONS + 5)]
    text = " ".join(f"@{p.display_name}" for p in people)
    found = find_mentions(text)
    assert len(found) == MAX_MENTIONS
    rendered = render_markdown(text, mentions=mention_links(found))
    assert rendered.count('class="mention"') == MAX_MENTIONS


def test_finding_mentions_is_one_query_whatever_the_text(ctx, count_queries):
    for n in range(12):
        make_user(display_name=f"Member {n}")
    idea = _fresh(make_idea())
    text = "\n\n".join(f"@Member {n} and @Nobody Here {n} said *@Member {n}*" for n in range(12))
    with count_queries() as queries:
        assert len(find_mentions(text, idea)) == 12
    assert len(queries) == 1
    with count_queries() as queries:
        find_mentions("no at sign at all", idea)
    assert queries == []


# --- rendering -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "Eve' onmouseover='alert(1)",
])
def test_hostile_display_names_never_become_markup(ctx, name):
    make_user(display_name=name)
    rendered = _rendered(f"Hello @{name} and @{name.split()[0]}")
    assert dangerous_parts(rendered) == []
    assert "<script" not in rendered


def test_a_mention_s_text_is_escaped_as_text(ctx):
    darcy = make_user(display_name="D'Arcy O'Neil-Ross")
    tom = make_user(display_name="Tom & Jerry")  # "&" ends a name: this one can't be mentioned
    rendered = _rendered("@D'Arcy O'Neil-Ross @Tom & Jerry")
    link = _link(darcy, "D'Arcy O'Neil-Ross")
    assert rendered == f"<p>{link} @Tom &amp; Jerry</p>"
    assert dangerous_parts(rendered) == [] and f"/people/{tom.id}" not in rendered


def test_users_cannot_forge_classes_but_mention_links_keep_theirs(ctx):
    ana = make_user(display_name="Ana")
    rendered = _rendered('<a class="big red" href="https://x.example">x</a> <span class="mention">y</span> @Ana')
    assert 'class="big red"' not in rendered and "<span" not in rendered
    assert _link(ana, "Ana") in rendered


def test_unresolved_mentions_stay_plain_text(ctx):
    assert render_markdown("@Nobody at all", mentions={"someone": "/people/1"}) == "<p>@Nobody at all</p>"
    assert render_markdown("@Nobody at all") == "<p>@Nobody at all</p>"


def test_mentions_inside_emphasis_headings_and_lists_are_linked(ctx):
    ana = make_user(display_name="Ana")
    rendered = _rendered("# For @Ana\n\n- **@Ana** first\n- _@Ana_")
    assert rendered.count(_link(ana, "Ana")) == 3


def test_a_mention_never_nests_a_link_inside_a_link(ctx):
    make_user(display_name="Ana")
    rendered = _rendered("[see @Ana](https://x.example) and <https://x.example/@Ana>")
    assert 'class="mention"' not in rendered


def test_thousands_of_repeated_mentions_render_quickly(ctx):
    import time

    make_user(display_name="a")
    text = ("@a " * 3300)[:10_000]
    started = time.perf_counter()
    rendered = _rendered(text)
    assert time.perf_counter() - started < 1.0
    assert 0 < rendered.count('class="mention"') <= 200


# --- who hears of it -----------------------------------------------------------------------------------------


def test_people_mentioned_in_an_idea_or_a_comment_hear_of_it(ctx):
    author, ana, bo = make_user(), make_user(display_name="Ana Berg"), make_user(display_name="Bo")
    idea = make_idea(author, body="What do you think, @Ana Berg?")
    assert _events(ana) == [Event.MENTION.value]
    assert f'href="/people/{ana.id}"' in _fresh(idea).body_html
    comment = make_comment(author, _fresh(idea), "@Bo can you check?")
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == bo.id)).all()
    assert (note.event, note.comment_id, note.actor_id) == (Event.MENTION.value, comment.id, author.id)


def test_a_mentioned_follower_is_told_once(ctx):
    author, ana = make_user(display_name="Author One"), make_user(display_name="Ana")
    idea = make_idea(author)
    ideas.cast_vote(ana, _fresh(idea))  # Ana follows the idea by voting
    make_comment(author, _fresh(idea), "Thanks @Ana")
    assert _events(ana) == [Event.MENTION.value]


def test_mentioning_oneself_tells_nobody(ctx):
    ana = make_user(display_name="Ana")
    idea = make_idea(ana, body="Note to self, @Ana")
    make_comment(ana, _fresh(idea), "@Ana again")
    assert _events(ana) == []


def test_an_internal_note_tells_mentioned_team_members_but_never_customers(ctx):
    designer, dev = make_user("designer"), make_user("developer", display_name="Dev Lin")
    customer = make_user(display_name="Cus Tomer")
    idea = make_idea(customer)
    triage.add_internal_note(designer, _fresh(idea), "@Dev Lin please check; @Cus Tomer asked twice")
    assert _events(dev) == [Event.INTERNAL_NOTE.value]
    assert _events(customer) == []
    note = db.session.scalars(select(InternalNote)).one()
    assert f'href="/people/{dev.id}"' in note.body_html


def test_editing_a_comment_tells_only_the_newly_mentioned(ctx):
    author, ana, bo = make_user(), make_user(display_name="Ana"), make_user(display_name="Bo")
    idea = make_idea()
    comment = make_comment(author, _fresh(idea), "Hi @Ana")
    ideas.edit_comment(author, db.session.get(Comment, comment.id), "Hi @Ana and @Bo")
    ideas.edit_comment(author, db.session.get(Comment, comment.id), "Hi @Bo and @Ana, edited")
    assert _events(ana) == [Event.MENTION.value]
    assert _events(bo) == [Event.MENTION.value]
    assert f'href="/people/{bo.id}"' in db.session.get(Comment, comment.id).body_html


def test_editing_an_idea_tells_only_the_newly_mentioned(ctx):
    author, ana, bo = make_user(), make_user(display_name="Ana"), make_user(display_name="Bo")
    idea = make_idea(author, body="For @Ana")
    ideas.edit_idea(author, _fresh(idea), idea.title, "For @Ana and @Bo")
    ideas.edit_idea(author, _fresh(idea), idea.title + " again", "For @Ana and @Bo")
    assert _events(ana) == [Event.MENTION.value]
    assert _events(bo) == [Event.MENTION.value]


def test_held_posts_tell_the_mentioned_when_approved(ctx):
    admin, newcomer, ana = make_user("admin"), make_user(), make_user(display_name="Ana")
    moderation.set_hold_first_posts(admin, True)
    idea = make_idea(newcomer, body="Hello @Ana")
    assert _events(ana) == []
    moderation.approve_idea(admin, _fresh(idea))
    assert _events(ana) == [Event.MENTION.value]
    other = make_user()
    comment = make_comment(other, _fresh(idea), "Also @Ana")
    ideas.edit_comment(other, db.session.get(Comment, comment.id), "Also @Ana, edited")
    assert _events(ana) == [Event.MENTION.value]
    moderation.approve_comment(admin, db.session.get(Comment, comment.id))
    assert _events(ana) == [Event.MENTION.value, Event.MENTION.value]


def test_rerendering_resolves_mentions_again_and_tells_nobody(ctx):
    author = make_user()
    idea = make_idea(author, body="Waiting for @Kim Novak")
    assert 'class="mention"' not in _fresh(idea).body_html
    kim = make_user(display_name="Kim Novak")
    rerender_all()
    assert _link(kim, "Kim Novak") in _fresh(idea).body_html
    assert _events(kim) == []


# --- suggestions while typing -------------------------------------------------------------------------------------


def _suggest(client, **params):
    return client.get("/mentions/suggest", query_string=params, headers={"Accept": "application/json"})


def _names(response) -> list[str]:
    assert response.status_code == 200, response.data
    return [person["name"] for person in response.get_json()["people"]]


def test_guests_get_401_json(app, client):
    response = _suggest(client, q="an")
    assert response.status_code == 401
    assert response.get_json()["status"] == 401


def test_suggestions_match_a_name_or_a_word_of_it_case_insensitively(app, client, auth):
    with app.app_context():
        me = make_user()
        for name in ("Ana Berg", "Bo Anders", "Diana Ross", "Hannah Lee"):
            make_user("developer" if name == "Ana Berg" else "customer", display_name=name)
    auth.login(me)
    assert _names(_suggest(client, q="an")) == ["Ana Berg", "Bo Anders"]
    assert _names(_suggest(client, q="ANA B")) == ["Ana Berg"]
    [person] = _suggest(client, q="ana").get_json()["people"]
    assert set(person) == {"id", "name", "role", "initials"}
    assert (person["role"], person["initials"]) == ("Developer", "AB")


def test_suggestions_leave_out_banned_and_contact_accounts_and_stop_at_eight(app, client, auth):
    with app.app_context():
        me = make_user()
        for n in range(10):
            make_user(display_name=f"Many {n}")
        banned, contact = make_user(display_name="Many Banned"), make_user(display_name="Many Contact")
        me_email = me.email
        db.session.get(User, banned.id).banned_at = utcnow()
        db.session.get(User, contact.id).is_contact = True
        db.session.commit()
    auth.login(me_email)
    names = _names(_suggest(client, q="many"))
    assert len(names) == 8 and not {"Many Banned", "Many Contact"} & set(names)


def test_people_who_took_part_in_a_visible_idea_come_first(app, client, auth):
    with app.app_context():
        me = make_user()
        make_user(display_name="Zed Alpha")
        talker = make_user(display_name="Zed Omega")
        idea = make_idea()
        make_comment(talker, idea)
        hidden = make_idea()
        make_comment(talker, hidden)
        idea_id, hidden_id, me_email = idea.id, hidden.id, me.email
        db.session.get(Idea, hidden.id).hidden_at = utcnow()
        db.session.commit()
    auth.login(me_email)
    assert _names(_suggest(client, q="zed")) == ["Zed Alpha", "Zed Omega"]
    assert _names(_suggest(client, q="zed", idea=idea_id)) == ["Zed Omega", "Zed Alpha"]
    # A hidden idea is ignored: its participants are not revealed by their rank.
    assert _names(_suggest(client, q="zed", idea=hidden_id)) == ["Zed Alpha", "Zed Omega"]


@pytest.mark.parametrize("params", [
    {}, {"q": ""}, {"q": "   "}, {"q": "a" * 61}, {"q": "%"}, {"q": "_"}, {"q": "\\"},
    {"q": "an", "idea": "abc"}, {"q": "an", "idea": "99999999999999"}, {"q": "an", "idea": "-1"},
    {"q": "an", "idea": "424242"},
])
def test_bad_parameters_answer_without_errors(app, client, auth, params):
    with app.app_context():
        me = make_user(display_name="Someone")
        make_user(display_name="Ana")
    auth.login(me)
    names = _names(_suggest(client, **params))
    assert names in ([], ["Ana"])
    if params.get("q", "").strip() in ("", "%", "_", "\\") or len(params.get("q", "")) > 60:
        assert names == []


def test_like_wildcards_in_the_query_are_literal(app, client, auth):
    with app.app_context():
        me = make_user()
        make_user(display_name="50% Club")
        make_user(display_name="500 Club")
        make_user(display_name="a_b")
        make_user(display_name="axb")
    auth.login(me)
    assert _names(_suggest(client, q="50%")) == ["50% Club"]
    assert _names(_suggest(client, q="a_")) == ["a_b"]


def test_the_comment_reply_and_note_boxes_ask_for_suggestions(app, client, auth):
    with app.app_context():
        designer = make_user("designer")
        idea = make_idea()
        make_comment(make_user(), idea)
        idea_id, email = idea.id, designer.email
    auth.login(email)
    page = client.get(f"/ideas/{idea_id}", follow_redirects=True).get_data(as_text=True)
    # the comment box, one reply box and the internal note box
    assert page.count(f'data-mentions="/mentions/suggest?idea={idea_id}"') == 3
    assert 'src="/static/js/mentions.js"' in page
    assert 'data-mentions="/mentions/suggest"' in client.get("/ideas/new").get_data(as_text=True)
