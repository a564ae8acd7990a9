"""Demo triage: a few decisions the team has already made, so the roadmap of statuses, tags and notes shows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.models import Idea
from portal.prototypes.models import Prototype
from portal.triage import services
from portal.triage.statuses import set_status, status_by_name

TAGS = [("Battery", "#c2410c", False), ("Accessibility", "#7c3aed", False), ("Languages", "#0e7490", False),
        ("Needs field test", "#b45309", True)]
# title, status, public note, shipped-in prototype slug, days after posting
DECISIONS = [
    ("Use the same screw type everywhere", "Shipped",
     "Every v1.0 unit now uses one Phillips #1 screw. Thank you, Samuel — repair shops noticed at once.",
     "rugged-keyboard-and-case", 60),
    ("Bright case colours so laptops don't go missing", "Shipped",
     "v1.0 cases come in four colours, and each school's batch shares one, so a lost laptop finds its way back.",
     "rugged-keyboard-and-case", 70),
    ("Switch screen modes automatically under a patchy tin roof", "In progress",
     "An ambient-light sensor switches modes in the v0.5 firmware; we are testing it at the Kisumu pilot.", None, 12),
    ("Make the crank easier to turn for younger children", "Planned",
     "A two-speed gear is planned for the next crank prototype.", None, 15),
    ("Carry lessons between schools on the school boat", "Planned",
     "We'll build an outbox per school with a size limit per trip.", None, 30),
    ("Publish the crank-to-battery energy budget", "Under review", "", None, 5),
    ("Let teachers make and record their own books in Aymara", "Under review", "", None, 6),
    ("Keys stick after a sweet tea spill", "Declined",
     "The v1.0 membrane is sealed and survived our 200 ml spill test; please send us the unit so we can look.",
     None, 10),
]
TAGGED = {
    "USB-C output on the crank so families can charge phones": ["Battery"],
    "Let text-only apps request reflective mode to save battery": ["Battery"],
    "Show how much reading time each crank session added": ["Battery"],
    "Large-text and high-contrast mode for children with low vision": ["Accessibility"],
    "Is the backlight safe for children's eyes at night?": ["Accessibility"],
    "Let teachers make and record their own books in Aymara": ["Languages", "Needs field test"],
    "Character palette for Aymara and Quechua in mesh chat": ["Languages"],
    "Mesh becomes unreliable above 30 laptops in one room": ["Needs field test"],
}
NOTES = {
    "Switch screen modes automatically under a patchy tin roof":
        "The light sensor adds $0.40 per unit; still inside the bill-of-materials target.",
    "Carry lessons between schools on the school boat":
        "Talk to the Santarém NGO about boat schedules before we commit to a date.",
    "Let teachers make and record their own books in Aymara":
        "Storage estimate: 20 recorded books take about 600 MB. Check the 8 GB model first.",
}
ASSIGNED = ["Switch screen modes automatically under a patchy tin roof",
            "Carry lessons between schools on the school boat"]
MERGE = ("Bigger default text for early readers", "Large-text and high-contrast mode for children with low vision")


def _idea(title: str) -> Idea:
    return db.session.scalar(select(Idea).where(Idea.title == title))


def seed_triage(people: dict[str, User]) -> None:
    """Statuses with notes, tags, assignments, internal notes and one merge, made through the services."""
    designer, developer = people["designer@example.com"], people["developer@example.com"]
    tags = {name: services.save_tag(designer, None, name=name, color=color, internal=internal)
            for name, color, internal in TAGS}
    for title in ASSIGNED:
        services.assign(designer, _idea(title), developer)
    for title, status_name, note, shipped_slug, days_after in DECISIONS:
        idea = _idea(title)
        shipped = db.session.scalar(select(Prototype).where(Prototype.slug == shipped_slug)) if shipped_slug else None
        change = set_status(designer, idea, status_by_name(status_name), note, shipped, commit=False)
        change.created_at = min(idea.created_at + timedelta(days=days_after), change.created_at)
        db.session.commit()
    for title, names in TAGGED.items():
        services.set_tags(designer, _idea(title), [tags[name] for name in names])
    for title, body in NOTES.items():
        services.add_internal_note(developer if title in ASSIGNED else designer, _idea(title), body)
    services.merge_ideas(designer, _idea(MERGE[0]), _idea(MERGE[1]))
