"""Small explicit helpers that make rows for tests; each commits and returns a loaded object."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas import services as idea_services
from portal.ideas.models import Comment, Idea
from portal.prototypes.models import Product, Prototype

PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")
_seq = itertools.count(1)


def _reload_all() -> None:
    # A commit expires every object in the session; reload them so what factories returned stays readable
    # after the test's app context ends.
    for obj in list(db.session.identity_map.values()):
        db.session.refresh(obj)


def _saved(obj: Any) -> Any:
    db.session.add(obj)
    db.session.commit()
    _reload_all()
    return obj


def make_user(role: str = "customer", email: str | None = None, display_name: str | None = None, *,
              verified: bool = True) -> User:
    n = next(_seq)
    return _saved(User(email=email or f"person{n}@example.com", display_name=display_name or f"Person {n}",
                       role=role, password_hash=_PASSWORD_HASH, email_verified_at=utcnow() if verified else None))


def make_product(name: str | None = None) -> Product:
    n = next(_seq)
    return _saved(Product(name=name or f"Product {n}", slug=f"product-{n}", description="About it",
                          description_html="<p>About it</p>"))


def make_prototype(product: Product | None = None, *, open_for_feedback: bool = True,
                   stage: str = "prototype", name: str | None = None) -> Prototype:
    # Unless a test asks for another product, its prototypes share one, as merges and "shipped in" require.
    product = product or db.session.scalar(select(Product).order_by(Product.id).limit(1)) or make_product()
    n = next(_seq)
    return _saved(Prototype(product_id=product.id, name=name or f"Prototype {n}", slug=f"prototype-{n}",
                            stage=stage, open_for_feedback=open_for_feedback))


def make_idea(author: User | None = None, prototype: Prototype | None = None, title: str | None = None,
              body: str = "A description with **bold** text.") -> Idea:
    author = author or make_user()
    prototype = prototype or make_prototype()
    idea = idea_services.submit_idea(author, prototype, title or f"Idea number {next(_seq)}", body)
    _reload_all()
    return idea


def make_comment(author: User, idea: Idea, body: str = "A comment", parent: Comment | None = None) -> Comment:
    comment = idea_services.add_comment(author, idea, body, parent)
    _reload_all()
    return comment
