"""Writing a confirmed import in chunks, so a large file shows its progress and a failure costs one chunk.

Each chunk is one transaction: the next CHUNK_ROWS ready rows after the batch's `done_line`, written together with
the new `done_line` under a lock on the batch. A chunk that fails writes nothing and moves nothing; the batch keeps
the error, every row up to `done_line` stays in, and the next request resumes from there. Two requests (a double
click, two tabs) are serialised by the lock and take consecutive chunks, so no row is ever written twice.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from portal.accounts.models import User
from portal.audit.services import record
from portal.core.models import utcnow
from portal.errors import NotFound, ValidationError
from portal.exports import importer
from portal.exports.models import ImportBatch
from portal.extensions import db
from portal.permissions import can_import_ideas, require

CHUNK_ROWS = 200  # about half a second of CPU: short enough for a request and for SQLite's write lock
log = logging.getLogger(__name__)


def _lock(batch_id: int) -> ImportBatch:
    # SQLite's writing requests begin with BEGIN IMMEDIATE, PostgreSQL takes the row lock: either way one chunk at
    # a time, and the batch as the last chunk left it.
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.id == batch_id).with_for_update()
                              .execution_options(populate_existing=True))
    if batch is None:
        db.session.rollback()
        raise NotFound()
    return batch


def start_import(actor: User, batch: ImportBatch) -> int:
    """Confirm a previewed file: check it whole, then write its first chunk; answer how many ideas were created.

    Confirming a file whose import is under way writes its next chunk; one already imported is refused."""
    require(can_import_ideas(actor))
    locked = _lock(batch.id)
    if locked.status == "imported":
        db.session.rollback()
        raise ValidationError({"file": "This file was imported already."})
    if locked.status == "previewed":
        whole = importer.read_csv(locked.content)
        if whole.problems or not whole.ready:
            db.session.rollback()
            raise ValidationError({"file": " ".join(whole.problems) or "No row of this file can be imported."})
        locked.status, locked.total_count, locked.done_line, locked.created_count = "importing", len(whole.ready), 0, 0
    return _chunk(actor, locked)


def continue_import(actor: User, batch: ImportBatch) -> int:
    """Write the next chunk of an import under way (nothing once it is complete); answer the ideas created."""
    require(can_import_ideas(actor))
    locked = _lock(batch.id)
    if locked.status == "imported":
        db.session.rollback()
        return 0
    if locked.status == "previewed":
        db.session.rollback()
        raise ValidationError({"file": "Confirm the preview to start this import."})
    return _chunk(actor, locked)


def _chunk(actor: User, batch: ImportBatch) -> int:
    window = importer.read_csv(batch.content, after_line=batch.done_line, limit=CHUNK_ROWS)
    if window.problems:
        db.session.rollback()
        raise ValidationError({"file": " ".join(window.problems)})
    rows, first = window.ready, batch.done_line + 1
    last = window.rows[-1].line if window.rows else batch.done_line
    batch_id = batch.id
    try:
        importer.write_rows(importer.Maker(actor), rows)
        batch.created_count += len(rows)
        batch.done_line, batch.error = last, ""
        if not window.more:
            _finish(actor, batch)
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.exception("import %s: lines %s-%s failed", batch_id, first, last)
        message = (f"Lines {first:,}–{last:,} could not be written ({type(exc).__name__}); none of them was "
                   "imported. Everything before them is in: resume to try them again.")
        db.session.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(error=message[:300]))
        db.session.commit()
        raise ValidationError({"file": message}) from exc
    return len(rows)


def _finish(actor: User, batch: ImportBatch) -> None:
    batch.status, batch.imported_at = "imported", utcnow()
    record(actor, "ideas.import", batch, f"{batch.created_count} ideas from {batch.filename}",
           after={"created": batch.created_count, "skipped": batch.row_count - batch.created_count})


def status(batch: ImportBatch) -> dict[str, Any]:
    """The progress of an import as the status endpoint and the progress page's script read it."""
    return {"id": batch.id, "filename": batch.filename, "status": batch.status, "imported": batch.created_count,
            "total": batch.total_count, "rows": batch.row_count, "done_line": batch.done_line,
            "done": batch.status == "imported", "error": batch.error or None}
