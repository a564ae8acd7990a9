"""Words for synthetic data: products, people, idea titles and the Markdown templates bodies are made from.

Bodies, comments and notes come from small template sets, so each distinct text is rendered to HTML once and
reused: rendering a million Markdown texts one by one would take longer than loading them.
"""

from __future__ import annotations

PRODUCTS = [
    {"name": "Heron solar lantern", "slug": "heron-solar-lantern",
     "tagline": "A reading light that charges in a day of sun and lasts a week of evenings.",
     "description": "The **Heron** lantern lights homework, clinics and market stalls where the grid doesn't reach."},
    {"name": "Osprey classroom tablet", "slug": "osprey-classroom-tablet",
     "tagline": "A rugged tablet for classrooms that share one charger and no internet.",
     "description": "The **Osprey** tablet carries a school's library, lessons and quizzes offline."},
]
# product index, name, slug, version, stage, open for feedback, share of the product's ideas
PROTOTYPES = [
    (0, "Heron paper model", "heron-paper-model", "v0.1", "concept", False, 1),
    (0, "Heron first light", "heron-first-light", "v0.3", "prototype", False, 3),
    (0, "Heron village pilot", "heron-village-pilot", "v0.7", "pilot", True, 4),
    (0, "Heron lantern 1.0", "heron-lantern-1-0", "v1.0", "production", True, 6),
    (0, "Heron lantern 1.1", "heron-lantern-1-1", "v1.1", "concept", True, 2),
    (1, "Osprey sketch", "osprey-sketch", "v0.1", "concept", False, 1),
    (1, "Osprey classroom pilot", "osprey-classroom-pilot", "v0.5", "pilot", True, 3),
    (1, "Osprey tablet 1.0", "osprey-tablet-1-0", "v1.0", "production", True, 4),
]
# name, colour, internal
TAGS = [
    ("Battery", "#c2410c", False), ("Accessibility", "#7c3aed", False), ("Languages", "#0e7490", False),
    ("Durability", "#15803d", False), ("Offline", "#2454d6", False), ("Teachers", "#b45309", False),
    ("Charging", "#be123c", False), ("Screen", "#0f766e", False), ("Audio", "#4d7c0f", False),
    ("Repair", "#9333ea", False), ("Needs field test", "#b45309", True), ("Cost impact", "#6b7280", True),
]
FIRST_NAMES = ["Amara", "Bilal", "Chen", "Dalia", "Emeka", "Farah", "Gustavo", "Hana", "Ivan", "Jia", "Kofi",
               "Lucia", "Mateo", "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Samuel", "Tariq", "Uma", "Victor",
               "Wanjiru", "Xiomara", "Yusuf", "Zara"]
LAST_NAMES = ["Okafor", "Haddad", "Nguyen", "Silva", "Kowalski", "Mensah", "Rahman", "Torres", "Ivanova", "Otieno",
              "Mamani", "Larsen", "Bakr", "Quispe", "Novak", "Achieng", "Costa", "Sato", "Diallo", "Moreau"]
COMPANIES = ["", "", "", "Rural Schools Trust", "Lakeside Academy", "Solar Clinics NGO", "Ministry of Education",
             "Mesh Makers", "Riverbank Co-op"]
JOB_TITLES = ["", "", "Teacher", "Head teacher", "Field engineer", "Parent", "Nurse", "Student", "Volunteer"]

TITLE_VERBS = ["Improve the", "Add a better", "Make the", "Let teachers adjust the", "Simplify the", "Speed up the",
               "Fix the", "Offer a spare", "Support a second", "Rethink the", "Protect the", "Quieter"]
TITLE_PARTS = ["battery", "keyboard", "screen brightness", "charging cable", "case", "hinge", "speaker",
               "microphone", "camera", "touchpad", "mesh network", "offline library", "crank", "solar panel",
               "login screen", "update process", "lesson sharing", "parental controls", "spell checker",
               "reading app", "carry strap", "status light", "power button", "quiz tool", "headphone jack",
               "clock", "backup", "charging dock", "night mode", "translation"]
TITLE_CONTEXTS = ["for younger children", "in hot classrooms", "during power cuts", "on shared devices",
                  "for low-vision readers", "in dusty rooms", "without internet", "for left-handed pupils",
                  "after a spill", "at night", "for teachers", "in the rainy season", "on the school boat",
                  "for exam weeks", "in crowded rooms", "for nurses on night shifts", "at the market",
                  "in Aymara and Quechua", "for repair shops", "on long journeys"]

# Bodies name the part the title is about ({part}), so full-text search finds ideas by their body too.
BODY_PARAGRAPHS = [
    "The {part} is the first thing our pupils complain about. Most mornings two or three of them give up on it.",
    "We use the device for about **six hours** a day, and the {part} is where it shows its age first.",
    "At our school the {part} matters more than anything else on the spec sheet.",
    "Could the {part} work the way it did on the older pilot units? That version was simpler to explain.",
    "What we tried so far:\n\n- asking children to share in pairs\n- a printed guide on the wall\n"
    "- turning the {part} off entirely",
    "Our repair volunteer says the {part} would be easy to change if the screws were the same size everywhere.",
    "A small change to the {part} would save our teachers about *ten minutes* every lesson.",
    "Parents in the evening class asked about the {part} too, so it's not just the children.",
    "I measured it: the {part} fails roughly once a week per classroom of thirty.",
    "There is a [short write-up](https://example.org/field-notes) from the district visit with photos.",
    "If it helps, we are happy to test a new {part} in our classrooms before it ships.",
    "In the rainy season the {part} gets damp and stops working until the afternoon.",
]
COMMENTS = [
    "Same here: the {part} is our biggest problem too.",
    "+1, and it would help the teachers even more than the pupils.",
    "We worked around it with a piece of tape, but a real fix would be much better.",
    "Thanks for writing this up so clearly. **Voted.**",
    "Is there a date for this? Our pilot ends in March.",
    "I disagree a little: the current {part} is fine for older children, it's the little ones who struggle.",
    "Our school has the same issue with the {part}; happy to share photos.",
    "Could this be a setting instead of a change for everyone?",
    "We tested something similar last year:\n\n1. it worked indoors\n2. it failed in the sun",
    "Following this one. The {part} is why we haven't ordered more units.",
    "A spare part kit would already help a lot while we wait.",
    "The team mentioned this at the last field visit, so it's on their radar.",
    "Good point about cost. Would people pay a little more for a better {part}?",
    "This is a duplicate of an older idea, I think, but this one explains it better.",
    "Our nurses use it at night and agree: please look at the {part}.",
]
NOTES = [
    "Thanks, everyone. We're looking at the {part} with the field team this month.",
    "This is planned for the next hardware revision; we'll post updates here.",
    "Work has started: a new {part} is in the lab for testing.",
    "Shipped! The new {part} is in this version. Thank you for the detailed reports.",
    "We won't do this for now: it would raise the unit cost too much. We'll revisit next year.",
    "Merged the discussion from the district visit into our plan; see the changelog when it lands.",
]
