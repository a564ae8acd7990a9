"""Export and import: the team's ideas CSV, each person's own data as JSON, and the admins' CSV import."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.core.forms import attempt
from portal.core.models import utcnow
from portal.errors import ValidationError, wants_json
from portal.exports import importer, progress
from portal.exports.forms import ImportForm
from portal.exports.ideas_csv import export_ideas
from portal.exports.models import ImportBatch
from portal.exports.personal import personal_data
from portal.permissions import can_export_ideas, can_export_own_data, can_import_ideas, require
from portal.triage.inbox import inbox_choices, parse_filters

bp = Blueprint("exports", __name__)
PREVIEW_ROWS = 200


def _download(body: str, filename: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/triage/export.csv")
@login_required
def ideas_csv():
    require(can_export_ideas(current_user))
    filters = parse_filters(request.args, inbox_choices(current_user))
    body = "".join(export_ideas(filters, current_user))
    return _download(body, f"ideas-{utcnow():%Y-%m-%d}.csv", "text/csv")


@bp.get("/settings/data")
@login_required
def my_data():
    require(can_export_own_data(current_user))
    return render_template("exports/my_data.html")


@bp.get("/settings/data.json")
@login_required
def my_data_json():
    require(can_export_own_data(current_user))
    body = json.dumps(personal_data(current_user), ensure_ascii=False, indent=2)
    return _download(body, f"my-portal-data-{utcnow():%Y-%m-%d}.json", "application/json")


@bp.get("/admin/import/template.csv")
@login_required
def template():
    require(can_import_ideas(current_user))
    return _download(importer.template_csv(), "ideas-template.csv", "text/csv")


def _import_page(form: ImportForm):
    page = render_template("exports/import.html", form=form, batches=importer.recent_batches(),
                           max_rows=importer.MAX_ROWS, max_mb=importer.MAX_BYTES // (1024 * 1024),
                           columns=importer.TEMPLATE_COLUMNS)
    return page, 422 if form.errors or form.form_errors else 200


@bp.route("/admin/import", methods=["GET", "POST"])
@login_required
def import_upload():
    require(can_import_ideas(current_user))
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        batch = attempt(form, lambda: importer.upload(current_user, upload.filename or "", upload.read(
            importer.MAX_BYTES + 1)))
        if batch is not None:
            return redirect(url_for(".import_preview", batch_id=batch.id))
    return _import_page(form)


@bp.get("/admin/import/<int:batch_id>")
@login_required
def import_preview(batch_id: int):
    batch = importer.get_batch(current_user, batch_id)
    if batch.status == "importing":
        return render_template("exports/progress.html", batch=batch, chunk=progress.CHUNK_ROWS)
    preview = importer.read_csv(batch.content) if batch.status == "previewed" else None
    return render_template("exports/preview.html", batch=batch, preview=preview, shown=PREVIEW_ROWS)


def _imported(batch: ImportBatch) -> None:
    if batch.status == "imported":
        created = batch.created_count
        flash(f"Imported {created:,} idea{'s' if created != 1 else ''}.", "success")


@bp.post("/admin/import/<int:batch_id>")
@login_required
def import_confirm(batch_id: int):
    batch = importer.get_batch(current_user, batch_id)
    try:
        progress.start_import(current_user, batch)
    except ValidationError as exc:
        flash(" ".join(exc.errors.values()), "error")
    else:
        _imported(batch)
    return redirect(url_for(".import_preview", batch_id=batch_id))


@bp.post("/admin/import/<int:batch_id>/next")
@login_required
def import_next(batch_id: int):
    """The next chunk: JSON for the progress page's script, a redirect back to the page without it."""
    batch = importer.get_batch(current_user, batch_id)
    try:
        progress.continue_import(current_user, batch)
    except ValidationError as exc:
        if wants_json():
            return jsonify(progress.status(batch) | {"error": " ".join(exc.errors.values())}), 422
        flash(" ".join(exc.errors.values()), "error")
    else:
        if wants_json():
            return jsonify(progress.status(batch))
        _imported(batch)
    return redirect(url_for(".import_preview", batch_id=batch_id))


@bp.get("/admin/import/<int:batch_id>/status.json")
@login_required
def import_status(batch_id: int):
    response = jsonify(progress.status(importer.get_batch(current_user, batch_id)))
    response.headers["Cache-Control"] = "no-store"
    return response
