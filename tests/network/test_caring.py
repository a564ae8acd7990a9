"""“Others who care about this” lists only people the directory lists."""

from __future__ import annotations

from portal.extensions import db
from portal.ideas import services as idea_services
from portal.moderation.services import ban_user
from portal.network.caring import others_who_care
from portal.people.services import set_listed
from tests.factories import make_comment, make_idea, make_user


def test_people_out_of_the_directory_banned_or_contact_only_are_not_suggested(ctx):
    viewer = make_user(display_name="Viewer")
    idea = make_idea(title="Offline maps for field trips")
    stays, leaves, banned, contact = (make_user(display_name=name) for name in ("Stays", "Leaves", "Banned", "Contact"))
    for person in (stays, leaves, banned, contact):
        make_comment(person, idea, "Me too")
    set_listed(leaves, False)
    ban_user(make_user("admin"), banned, "spam")
    contact.is_contact = True
    db.session.commit()

    names = {fellow.user.display_name for fellow in others_who_care(viewer, idea)}

    assert "Stays" in names
    assert not names & {"Leaves", "Banned", "Contact", "Viewer"}


def test_rejoining_the_directory_brings_a_person_back(ctx):
    viewer = make_user()
    idea = make_idea()
    person = make_user(display_name="Back Again")
    idea_services.cast_vote(person, idea)
    set_listed(person, False)
    assert "Back Again" not in {f.user.display_name for f in others_who_care(viewer, idea)}

    set_listed(person, True)

    assert "Back Again" in {f.user.display_name for f in others_who_care(viewer, idea)}
