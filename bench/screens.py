"""How fast a screen with many pins renders: CPU time per page and SQL statements, in process, on SQLite.

    .venv/bin/python -m bench.screens --pins 500 --renders 20

The target of issue 10: a screen with 500 pins renders quickly and in as many queries as one with five.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import event

from portal import create_app
from portal.core.models import utcnow
from portal.extensions import db


def _seed(pins: int) -> str:
    from PIL import Image

    from portal.accounts.models import User
    from portal.ideas.models import Idea, Vote
    from portal.prototypes.models import Product, Prototype
    from portal.screens.models import Pin
    from portal.screens.services import add_screen
    from portal.triage.statuses import initial_status

    status = initial_status()
    designer = User(email="d@example.org", display_name="D", role="designer", password_hash="x")
    product = Product(name="Bench", slug="bench")
    db.session.add_all([designer, product])
    db.session.flush()
    prototype = Prototype(product_id=product.id, name="Bench", slug="bench-proto")
    db.session.add(prototype)
    db.session.commit()
    png = io.BytesIO()
    Image.new("RGB", (1200, 800), (230, 236, 245)).save(png, format="PNG")
    png.seek(0)
    screen = add_screen(designer, prototype, image=png, caption="Bench",
                        upload_folder=current_app.config["UPLOAD_FOLDER"])
    for n in range(pins):
        idea = Idea(product_id=product.id, prototype_id=prototype.id, author_id=designer.id, title=f"Idea {n}",
                    status_id=status.id, vote_count=1, created_at=utcnow())
        db.session.add(idea)
        db.session.flush()
        db.session.add_all([Vote(idea_id=idea.id, user_id=designer.id),
                            Pin(screen_id=screen.id, idea_id=idea.id, author_id=designer.id,
                                x=(n * 37 % 100) / 100, y=(n * 61 % 100) / 100)])
    db.session.commit()
    return f"/prototypes/bench-proto/screens/{screen.id}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pins", type=int, default=500)
    parser.add_argument("--renders", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{Path(folder) / 'bench.sqlite'}",
                         UPLOAD_FOLDER=str(Path(folder) / "uploads"), RATELIMIT_ENABLED=False)
        with app.app_context():
            upgrade()
            url = _seed(args.pins)
            engine = db.engine
        client = app.test_client()
        client.get(url)  # warm the template cache
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        started = time.process_time()
        for _ in range(args.renders):
            assert client.get(url).status_code == 200
        cpu = (time.process_time() - started) / args.renders
        print(f"{args.pins} pins: {cpu * 1000:.1f} ms CPU per render, {len(statements) // args.renders} SQL statements")


if __name__ == "__main__":
    main()
