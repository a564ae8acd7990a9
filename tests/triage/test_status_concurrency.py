"""Designers acting on one idea at the same moment: no error, one final state, a history that holds every change,
and vote counts that always equal the vote rows, through merges and undos racing with voters."""

from __future__ import annotations

import random
import threading

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.ideas import services as ideas
from portal.ideas.models import Idea, Vote
from portal.triage import statuses
from portal.triage.models import Merge, Status, StatusChange
from portal.triage.services import merge_ideas, unmerge_idea
from tests.factories import make_idea, make_prototype, make_user

ROUNDS = 5
LOOPS = 8


def _run_threads(target, count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def wrapped(i: int) -> None:
        try:
            barrier.wait()
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return errors


def test_two_designers_setting_different_statuses_at_once(app):
    with app.app_context():
        designers = [make_user("designer").id, make_user("designer").id]
        idea_id = make_idea().id
        statuses.initial_status()
        targets = [statuses.status_by_name("Planned").id, statuses.status_by_name("Declined").id]
        new_id = statuses.status_by_name("New").id

    for round_ in range(ROUNDS):
        def move(i: int, round_: int = round_) -> None:
            with app.app_context():
                statuses.set_status(db.session.get(User, designers[i]), db.session.get(Idea, idea_id),
                                    db.session.get(Status, targets[i]), f"Round {round_} by {i}")

        assert _run_threads(move, 2) == []

        with app.app_context():
            final = db.session.scalar(select(Idea.status_id).where(Idea.id == idea_id))
            changes = db.session.scalars(select(StatusChange).where(StatusChange.idea_id == idea_id)
                                         .order_by(StatusChange.id)).all()
            assert final in targets
            assert len(changes) == 2 * (round_ + 1)
            this_round = changes[-2:]
            assert {(c.actor_id, c.to_status_id) for c in this_round} == {
                (designers[0], targets[0]), (designers[1], targets[1])}
            # The history reads as one chain: each change starts where the one before it ended.
            assert changes[0].from_status_id == new_id
            assert [c.from_status_id for c in changes[1:]] == [c.to_status_id for c in changes[:-1]]
            assert changes[-1].to_status_id == final


def _counts(idea_id: int) -> tuple[int, int]:
    stored = db.session.scalar(select(Idea.vote_count).where(Idea.id == idea_id))
    rows = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.idea_id == idea_id))
    return stored, rows


def _merge_or_undo(designer_id: int, duplicate_id: int, original_id: int) -> None:
    actor, dup = db.session.get(User, designer_id), db.session.get(Idea, duplicate_id)
    if dup.merged_into_id is None:
        merge_ideas(actor, dup, db.session.get(Idea, original_id))
    else:
        unmerge_idea(actor, dup)


def _vote_or_unvote(voter_id: int, idea_id: int, add: bool) -> None:
    voter, idea = db.session.get(User, voter_id), db.session.get(Idea, idea_id)
    if add:
        ideas.cast_vote(voter, idea)
    else:
        ideas.remove_vote(voter, idea)


def test_merges_and_undos_racing_with_voters_keep_counts_equal_to_rows(app):
    with app.app_context():
        prototype = make_prototype()
        original_id, duplicate_id = make_idea(prototype=prototype).id, make_idea(prototype=prototype).id
        designer_ids = [make_user("designer").id for _ in range(2)]
        voter_ids = [make_user().id for _ in range(4)]
        for voter_id in voter_ids[:2]:
            _vote_or_unvote(voter_id, duplicate_id, True)
        _vote_or_unvote(voter_ids[1], original_id, True)
        ids = (original_id, duplicate_id)

    done: list[str] = []

    def work(i: int) -> None:
        rng = random.Random(i)
        for _ in range(LOOPS):
            with app.app_context():
                try:
                    if i < len(designer_ids):
                        _merge_or_undo(designer_ids[i], duplicate_id, original_id)
                        done.append("merge or undo")
                    else:
                        _vote_or_unvote(voter_ids[i - len(designer_ids)], rng.choice(ids), rng.random() < 0.6)
                        done.append("vote")
                except (ValidationError, PermissionDenied):
                    db.session.rollback()  # the other designer got there first, or the duplicate is merged

    assert _run_threads(work, len(designer_ids) + len(voter_ids)) == []
    assert done.count("merge or undo") >= 2 and "vote" in done

    with app.app_context():
        for idea_id in ids:
            assert _counts(idea_id)[0] == _counts(idea_id)[1], idea_id
        merged = db.session.get(Idea, duplicate_id).merged_into_id is not None
        open_merges = db.session.scalar(select(func.count()).select_from(Merge).where(Merge.undone_at.is_(None)))
        assert open_merges == (1 if merged else 0)
        if merged:
            unmerge_idea(db.session.get(User, designer_ids[0]), db.session.get(Idea, duplicate_id))
        for idea_id in ids:
            assert _counts(idea_id)[0] == _counts(idea_id)[1], idea_id
        moved = select(func.count()).select_from(Vote).where(Vote.moved_from_idea_id.is_not(None))
        assert db.session.scalar(moved) == 0
