"""`flask backup` while the portal is being written to, `flask restore` into a working portal; PostgreSQL refused
with the pg_dump / pg_restore commands to use instead."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from portal import create_app
from portal.accounts.models import User
from portal.extensions import db
from portal.ideas import services
from portal.ideas.models import Comment, Idea, Vote
from tests.factories import PASSWORD, make_idea, make_prototype, make_user

WRITERS = 4


def _sqlite_app(tmp_path: Path, name: str):
    return create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / name}",
                      UPLOAD_FOLDER=str(tmp_path / "uploads"), OUTBOX_DIR=str(tmp_path / "outbox"))


@pytest.fixture
def live(tmp_path):
    """A portal on its own SQLite file (whatever database the rest of the suite uses), with some content."""
    instance = _sqlite_app(tmp_path, "live.sqlite")
    with instance.app_context():
        upgrade()
        prototype = make_prototype()
        for n in range(3):
            make_idea(prototype=prototype, title=f"An idea to back up, number {n}")
        for n in range(WRITERS):
            make_user(email=f"writer{n}@example.org")
    yield instance
    with instance.app_context():
        db.engine.dispose()


def _write_until(app, email: str, stop: threading.Event, errors: list[BaseException]) -> None:
    """Vote, unvote and comment, one transaction after another, until told to stop."""
    try:
        with app.app_context():
            writer = db.session.scalar(select(User).where(User.email == email))
            ideas = db.session.scalars(select(Idea).order_by(Idea.id)).all()
            n = 0
            while not stop.is_set():
                idea = ideas[n % len(ideas)]
                services.cast_vote(writer, idea) if n % 3 else services.remove_vote(writer, idea)
                services.add_comment(writer, idea, f"Comment {n} from {email}")
                n += 1
            db.session.remove()
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


def _comment_count(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Comment))
        db.session.remove()
        return count


def _assert_counters_match_rows() -> None:
    for idea in db.session.scalars(select(Idea)):
        votes = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.idea_id == idea.id))
        comments = db.session.scalar(select(func.count()).select_from(Comment).where(
            Comment.idea_id == idea.id, Comment.pending_approval.is_(False), Comment.hidden_at.is_(None),
            Comment.deleted_at.is_(None)))
        assert (idea.vote_count, idea.comment_count) == (votes, comments), idea.title


def test_a_backup_taken_during_writes_restores_into_a_working_portal(live, tmp_path):
    stop, errors = threading.Event(), []
    writers = [threading.Thread(target=_write_until, args=(live, f"writer{n}@example.org", stop, errors))
               for n in range(WRITERS)]
    for thread in writers:
        thread.start()
    try:
        while _comment_count(live) < 20:  # the writers are well under way
            stop.wait(0.02)
        before = _comment_count(live)
        result = live.test_cli_runner().invoke(args=["backup", str(tmp_path / "snapshot.sqlite")])
        while _comment_count(live) < before + 20:  # and carry on after the backup
            stop.wait(0.02)
    finally:
        stop.set()
        for thread in writers:
            thread.join(timeout=60)
    assert errors == []
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output

    fresh = _sqlite_app(tmp_path, "restored.sqlite")
    restored = fresh.test_cli_runner().invoke(args=["restore", str(tmp_path / "snapshot.sqlite"), "--yes"])
    assert restored.exit_code == 0, restored.output

    with fresh.app_context():
        in_backup = db.session.scalar(select(func.count()).select_from(Comment))
        assert before <= in_backup < _comment_count(live)
        _assert_counters_match_rows()
        idea = db.session.scalar(select(Idea).order_by(Idea.id).limit(1))
        votes_before = idea.vote_count
        db.session.remove()

    client = fresh.test_client()
    assert client.get("/").status_code == 200
    assert client.get(f"/ideas/{idea.id}", follow_redirects=True).status_code == 200
    client.post("/login", data={"email": "writer0@example.org", "password": PASSWORD})
    client.post(f"/ideas/{idea.id}/vote", data={"action": "remove"})
    client.post(f"/ideas/{idea.id}/vote", data={"action": "add"})
    with fresh.app_context():
        assert db.session.get(Idea, idea.id).vote_count in (votes_before, votes_before + 1)
        _assert_counters_match_rows()
        db.engine.dispose()


def test_the_backup_is_one_self_contained_file(live, tmp_path):
    target = tmp_path / "one-file.sqlite"
    assert live.test_cli_runner().invoke(args=["backup", str(target)]).exit_code == 0

    assert not Path(f"{target}-wal").exists()
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_backup_never_overwrites_a_file(live, tmp_path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")

    result = live.test_cli_runner().invoke(args=["backup", str(target)])

    assert result.exit_code != 0
    assert "already exists" in result.output
    assert target.read_text() == "keep me"


def test_restoring_over_a_database_keeps_the_previous_one_aside(live, tmp_path):
    runner = live.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "early.sqlite")]).exit_code == 0
    with live.app_context():
        make_idea(title="Posted after the backup was taken")
        db.session.remove()

    result = runner.invoke(args=["restore", str(tmp_path / "early.sqlite"), "--yes"])

    assert result.exit_code == 0, result.output
    kept = next(tmp_path.glob("live.sqlite.before-restore-*"))
    assert str(kept) in result.output
    with live.app_context():
        assert db.session.scalar(select(func.count()).select_from(Idea)) == 3  # the later idea is gone
        db.session.remove()
    with sqlite3.connect(kept) as conn:
        assert conn.execute("SELECT count(*) FROM idea").fetchone()[0] == 4  # but kept here


def _not_a_portal(tmp_path: Path) -> Path:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    return path


def _from_the_future(live, tmp_path: Path) -> Path:
    path = tmp_path / "future.sqlite"
    assert live.test_cli_runner().invoke(args=["backup", str(path)]).exit_code == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    return path


def _damaged(live, tmp_path: Path) -> Path:
    path = tmp_path / "damaged.sqlite"
    assert live.test_cli_runner().invoke(args=["backup", str(path)]).exit_code == 0
    data = bytearray(path.read_bytes())
    data[4096 * 2: 4096 * 2 + 512] = b"\xff" * 512  # scribble over a page of the tables
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(("make", "message"), [
    (lambda live, tmp: (tmp / "notes.txt", (tmp / "notes.txt").write_text("hello"))[0], "not a portal database"),
    (lambda live, tmp: _not_a_portal(tmp), "not a portal database"),
    (_from_the_future, "newer version"),
    (_damaged, "damaged"),
], ids=["text-file", "other-sqlite-database", "unknown-revision", "damaged"])
def test_restore_refuses_what_is_not_an_intact_portal_database(live, tmp_path, make, message):
    candidate = make(live, tmp_path)
    before = (tmp_path / "live.sqlite").read_bytes()

    result = live.test_cli_runner().invoke(args=["restore", str(candidate), "--yes"])

    assert result.exit_code != 0
    assert message in result.output
    assert (tmp_path / "live.sqlite").read_bytes() == before
    assert not list(tmp_path.glob("live.sqlite.before-restore-*"))


def test_restore_asks_first(live, tmp_path):
    runner = live.test_cli_runner()
    assert runner.invoke(args=["backup", str(tmp_path / "b.sqlite")]).exit_code == 0

    result = runner.invoke(args=["restore", str(tmp_path / "b.sqlite")], input="n\n")

    assert result.exit_code != 0
    assert "Aborted" in result.output
    assert not list(tmp_path.glob("live.sqlite.before-restore-*"))


@pytest.mark.parametrize(("command", "tool"), [("backup", "pg_dump --format=custom"),
                                               ("restore", "pg_restore --clean --if-exists")])
def test_postgresql_is_refused_with_the_command_to_use_instead(tmp_path, command, tool):
    postgres = create_app("testing", SQLALCHEMY_DATABASE_URI="postgresql+psycopg://portal:s3cret@db.example:5432/portal")
    path = tmp_path / "dump.sqlite"
    path.write_bytes(b"")

    result = postgres.test_cli_runner().invoke(args=[command, str(path)])

    assert result.exit_code != 0
    assert tool in result.output
    assert "postgresql://portal@db.example:5432/portal" in result.output
    assert "s3cret" not in result.output


def test_an_in_memory_database_has_nothing_to_back_up(tmp_path):
    memory = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite:///:memory:")
    result = memory.test_cli_runner().invoke(args=["backup", str(tmp_path / "x.sqlite")])
    assert result.exit_code != 0
    assert "in memory" in result.output
