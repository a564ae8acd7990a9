"""Similar ideas match the beginnings of words too, so "noise" finds "noisy"; filler words do not count."""

from __future__ import annotations

import pytest

from portal.accounts.models import Guest
from portal.search.queries import similar_ideas
from tests.factories import make_idea, make_prototype


@pytest.mark.parametrize(("typed", "expected"), [
    ("The crank makes too much noise", "Cranking is too noisy during lessons"),
    ("Noise", "Cranking is too noisy during lessons"),
    ("Screens ghost when it is freezing", "Screen ghosting on freezing mornings"),
    ("Charging phones from the crank", "USB-C output on the crank so families can charge phones"),
])
def test_the_real_duplicate_comes_first(ctx, typed, expected):
    prototype = make_prototype()
    for title in ("Cranking is too noisy during lessons",
                  "Show how much reading time each crank session added",
                  "Screen ghosting on freezing mornings",
                  "USB-C output on the crank so families can charge phones",
                  "Make the crank easier to turn for younger children"):
        make_idea(prototype=prototype, title=title)
    found = [idea.title for idea in similar_ideas(typed, Guest(), prototype.product_id)]
    assert found and found[0] == expected
