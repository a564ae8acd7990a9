"""Idea pages, posting and editing ideas, votes and comments."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import inspect
from wtforms import SelectChoice

from portal.core.forms import attempt
from portal.core.text import parse_id
from portal.core.urls import safe_next
from portal.errors import ValidationError, wants_json
from portal.extensions import db
from portal.ideas import services
from portal.ideas.forms import CommentForm, IdeaForm
from portal.ideas.models import Comment, Idea
from portal.ideas.pages import merged_into, render_idea_page, visible_idea_or_404
from portal.ideas.queries import voted_idea_ids
from portal.pagecache.fragments import shares_pages
from portal.permissions import can_edit_comment, can_edit_idea, can_see_internal, require
from portal.prototypes.queries import open_prototypes, product_by_slug, prototype_by_slug
from portal.search.queries import similar_ideas
from portal.templating import idea_url

bp = Blueprint("ideas", __name__)


@bp.get("/ideas/<int:idea_id>")
@bp.get("/ideas/<int:idea_id>/<slug>")
def show(idea_id: int, slug: str | None = None):
    viewer = current_user._get_current_object()  # not the proxy, which looks the person up on every read
    idea = visible_idea_or_404(idea_id, eager=not shares_pages(viewer))
    if idea.merged_into_id is not None and not can_see_internal(viewer):
        # Everyone outside the team follows a duplicate to the idea it was merged into.
        return redirect(idea_url(visible_idea_or_404(idea.merged_into_id), merged=idea.id))
    if request.path != (canonical := idea_url(idea)):
        return redirect(canonical, 301)
    return render_idea_page(idea, merged_from=merged_into(idea, request.args.get("merged"), viewer),
                            merge_query=request.args.get("merge_q", ""))


@bp.route("/ideas/new", methods=["GET", "POST"])
@login_required
def new():
    product = product_by_slug(request.args.get("product", ""))
    form = IdeaForm(prototype=request.args.get("prototype", ""))
    choices = open_prototypes(product.id if product else None)
    form.prototype.choices = [SelectChoice("", "Choose a prototype…")] + [
        SelectChoice(p.slug, p.name + (f" ({p.version_label})" if p.version_label else ""), optgroup=p.product.name)
        for p in choices
    ]
    similar = []
    if form.validate_on_submit() and not (similar := _unconfirmed_duplicates(form)) and (idea := attempt(
        form, lambda: services.submit_idea(current_user, prototype_by_slug(form.prototype.data) or abort(400),
                                           form.title.data, form.body.data))):
        flash("Your idea is posted, with your vote.", "success")
        return redirect(idea_url(idea))
    return render_template("ideas/new.html", form=form, product=product, has_choices=bool(choices), similar=similar,
                           voted=voted_idea_ids(current_user, [i.id for i in similar]))


def _unconfirmed_duplicates(form: IdeaForm) -> list[Idea]:
    """Without JavaScript, the first submit shows ideas like this one; "Post mine anyway" (confirmed=1) posts."""
    if request.form.get("confirmed") == "1":
        return []
    prototype = prototype_by_slug(form.prototype.data)
    return similar_ideas(form.title.data, current_user, prototype.product_id if prototype else None)


@bp.route("/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
def edit(idea_id: int):
    idea = db.get_or_404(Idea, idea_id)
    require(can_edit_idea(current_user, idea))
    form = IdeaForm(obj=idea)
    del form.prototype
    if form.validate_on_submit() and attempt(
        form, lambda: services.edit_idea(current_user, idea, form.title.data, form.body.data)
    ):
        flash("Your changes are saved.", "success")
        return redirect(idea_url(idea))
    return render_template("ideas/edit.html", form=form, idea=idea)


@bp.post("/ideas/<int:idea_id>/delete")
@login_required
def delete(idea_id: int):
    idea = db.get_or_404(Idea, idea_id)
    prototype_slug = idea.prototype.slug
    try:
        services.delete_idea(current_user, idea)
    except ValidationError as exc:
        flash(" ".join(exc.errors.values()), "error")
        return redirect(idea_url(idea))
    flash("The idea is deleted.", "success")
    return redirect(url_for("prototypes.prototype", slug=prototype_slug))


@bp.post("/ideas/<int:idea_id>/vote")
@login_required
def vote(idea_id: int):
    remove = request.form.get("action") == "remove"
    # By id: the service reads (and locks) the idea itself, so loading it here would be a second read.
    # The person itself, not the proxy: the services read it several times, each read through the proxy costs.
    count = (services.remove_vote if remove else services.cast_vote)(current_user._get_current_object(), idea_id)
    if wants_json():
        return jsonify(voted=not remove, vote_count=count)
    return redirect(safe_next(request.form.get("next"), idea_url(db.session.get(Idea, idea_id))))


@bp.post("/ideas/<int:idea_id>/comments")
@login_required
def comment(idea_id: int):
    idea = db.get_or_404(Idea, idea_id)
    address = idea_url(idea)  # before the commit expires the idea
    form = CommentForm()
    parent_id = parse_id(form.parent_id.data)
    if form.validate_on_submit() and (saved := attempt(
        form, lambda: services.add_comment(current_user, idea, form.body.data, parent_id=parent_id)
    )):
        flash("Your comment is posted.", "success")
        # The id from the identity map: reading it after the commit would load the row again.
        return redirect(f"{address}#comment-{inspect(saved).identity[0]}")
    return render_idea_page(idea, form, 422, reply_to=db.session.get(Comment, parent_id) if parent_id else None)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    idea = db.get_or_404(Idea, comment.idea_id)
    require(can_edit_comment(current_user, comment))
    form = CommentForm(obj=comment)
    if form.validate_on_submit() and attempt(
        form, lambda: services.edit_comment(current_user, comment, form.body.data)
    ):
        flash("Your comment is updated.", "success")
        return redirect(idea_url(idea, _anchor=f"comment-{comment.id}"))
    return render_template("ideas/edit_comment.html", form=form, comment=comment, idea=idea)


@bp.post("/comments/<int:comment_id>/delete")
@login_required
def delete_comment(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    idea = db.get_or_404(Idea, comment.idea_id)
    services.delete_comment(current_user, comment)
    flash("The comment is deleted.", "success")
    return redirect(idea_url(idea, _anchor="comments"))

