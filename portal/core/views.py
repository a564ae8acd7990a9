"""Home page, health check and uploaded media."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, send_from_directory
from flask_login import current_user
from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from portal.extensions import db
from portal.ideas.queries import idea_list, voted_idea_ids
from portal.prototypes.covers import COVER_NAME, MIMETYPES
from portal.prototypes.models import Product

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    products = db.session.scalars(
        select(Product).options(selectinload(Product.prototypes)).order_by(Product.created_at)
    ).all()
    ideas = db.session.scalars(idea_list(viewer=current_user, sort="trending").limit(6)).unique().all()
    voted = voted_idea_ids(current_user, [i.id for i in ideas])
    return render_template("core/home.html", products=products, ideas=ideas, voted=voted)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")


@bp.get("/media/covers/<name>")
def cover(name: str):
    # Only names store_cover() makes (32 hex digits and our extension) are served, so no "..", separator,
    # NUL or odd encoding ever reaches the file system; send_from_directory's safe_join is a second guard.
    if not COVER_NAME.fullmatch(name):
        raise NotFound()
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "covers"
    response = send_from_directory(folder, name, mimetype=MIMETYPES[name.rsplit(".", 1)[1]],
                                   max_age=365 * 24 * 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
