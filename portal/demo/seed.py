"""Demo content: the school-laptop product, its prototypes, people, ideas, votes and comments."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.demo import content
from portal.demo.network import seed_network
from portal.demo.screens import seed_screens
from portal.demo.triage import seed_triage
from portal.extensions import db
from portal.ideas.models import Comment, Idea, Vote
from portal.ideas.services import EXCERPT_LEN
from portal.ideas.trending import trending_weight
from portal.markup import plain_text, render_markdown
from portal.notifications.follows import follow_participants
from portal.notifications.models import ProductWatch
from portal.people.demo import seed_giving
from portal.prototypes.models import Product, Prototype
from portal.search.index import rebuild_index
from portal.triage.statuses import initial_status

DEMO_PASSWORD = "demo-password"


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def _people() -> dict[str, User]:
    password_hash = generate_password_hash(DEMO_PASSWORD, method="scrypt")
    people = {}
    for spec in content.PEOPLE:
        user = db.session.scalar(select(User).where(User.email == spec["email"]))
        if user is None:
            joined = utcnow() - timedelta(days=150)
            # Demo people have confirmed their addresses, so they can post even where confirming is required.
            user = User(password_hash=password_hash, created_at=joined, email_verified_at=joined, **spec)
            db.session.add(user)
        people[spec["email"]] = user
    db.session.flush()
    return people


def _prototypes() -> dict[str, Prototype]:
    spec = content.PRODUCT
    product = Product(name=spec["name"], slug=spec["slug"], tagline=spec["tagline"], description=spec["description"],
                      description_html=render_markdown(spec["description"]), created_at=utcnow() - timedelta(days=150))
    db.session.add(product)
    db.session.flush()
    prototypes = {}
    for spec in content.PROTOTYPES:
        prototype = Prototype(product_id=product.id, description_html=render_markdown(spec["description"]),
                              created_at=utcnow() - timedelta(days=140), **spec)
        db.session.add(prototype)
        prototypes[spec["slug"]] = prototype
    db.session.flush()
    return prototypes


def _comment(idea: Idea, spec: dict, posted: datetime, people: dict[str, User], parent: Comment | None) -> None:
    at = min(posted + timedelta(hours=spec["hours_after"]), utcnow())
    comment = Comment(idea_id=idea.id, author_id=people[spec["author"]].id, parent_id=parent.id if parent else None,
                      body=spec["body"], body_html=render_markdown(spec["body"]), created_at=at)
    db.session.add(comment)
    db.session.flush()
    idea.comment_count += 1
    idea.trending_score += trending_weight(at)
    for reply in spec.get("replies", []):
        _comment(idea, reply, posted, people, comment)


def _idea(spec: dict, rng: random.Random, people: dict[str, User], prototypes: dict[str, Prototype]) -> None:
    prototype = prototypes[spec["prototype"]]
    author = people[spec["author"]]
    posted = utcnow() - timedelta(days=spec["days_ago"], hours=rng.randint(0, 20) if spec["days_ago"] else 0)
    body_html = render_markdown(spec["body"])
    idea = Idea(product_id=prototype.product_id, prototype_id=prototype.id, author_id=author.id, title=spec["title"],
                body=spec["body"], body_html=body_html, excerpt=plain_text(body_html, EXCERPT_LEN), created_at=posted,
                vote_count=0, comment_count=0, trending_score=0.0, status_id=initial_status().id)
    db.session.add(idea)
    db.session.flush()
    others = [u for u in people.values() if u.id != author.id]
    voters = [author, *rng.sample(others, min(len(others), spec["votes"] - 1))]
    for voter in voters:
        at = min(posted + timedelta(hours=rng.uniform(0, 24 * max(spec["days_ago"], 0.1))), utcnow())
        db.session.add(Vote(idea_id=idea.id, user_id=voter.id, created_at=at))
        idea.trending_score += trending_weight(at)
    idea.vote_count = len(voters)
    prototype.idea_count += 1
    for comment in spec["comments"]:
        _comment(idea, comment, posted, people, None)


def seed_demo() -> str:
    """Create the demo content once; running it again changes nothing."""
    exists = db.session.scalar(select(Product.id).where(Product.slug == content.PRODUCT["slug"])) is not None
    people = _people()
    if exists:
        db.session.commit()
        return "Demo content is already present."
    prototypes = _prototypes()
    rng = random.Random(2026)
    for spec in content.IDEAS:
        _idea(spec, rng, people, prototypes)
    db.session.flush()
    # Written directly rather than through the services, so following is set up as the services would have.
    follow_participants()
    product_id = next(iter(prototypes.values())).product_id
    for person in people.values():
        if person.is_team:
            db.session.add(ProductWatch(user_id=person.id, product_id=product_id))
    db.session.commit()
    seed_triage(people)  # through the services: followers hear of these status changes
    seed_screens(people)  # screens, pins and a second version, also through the services
    rebuild_index()  # the demo's rows are written directly, not through the services that index them
    seed_network()  # business cards, connections, a request and an introduction by the designer
    seed_giving()  # invitations, helpful answers and the reputation they earned
    return (f"Seeded {len(content.PROTOTYPES)} prototypes, {len(content.IDEAS)} ideas and {len(people)} people. "
            f"Demo accounts use the password '{DEMO_PASSWORD}'.")
