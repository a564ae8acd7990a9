"""Admin → Webhooks: endpoints (list, add, edit, delete, pause), delivery logs, redeliver, test ping, settings."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from portal.core.forms import attempt
from portal.core.pagination import paginate, parse_page
from portal.errors import ValidationError
from portal.permissions import can_manage_webhooks, require
from portal.webhooks import queries, services
from portal.webhooks.delivery import setting
from portal.webhooks.destinations import private_allowed
from portal.webhooks.forms import EndpointForm, PrivateAddressesForm
from portal.webhooks.models import WebhookEvent
from portal.webhooks.signing import SIGNATURE_HEADER

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")
PER_PAGE = 30


def _status(form: FlaskForm) -> int:
    """A form sent back with its problems is a refused submission: 422, the input kept on the page."""
    return 422 if form.errors or form.form_errors else 200


@bp.before_request
@login_required
def _admins_only():
    require(can_manage_webhooks(current_user))


def _index(settings_form: PrivateAddressesForm | None = None, status: int = 200):
    settings_form = settings_form or PrivateAddressesForm(allow_private=private_allowed())
    return render_template("webhooks/index.html", rows=queries.endpoint_rows(), settings_form=settings_form,
                           events=list(WebhookEvent)), status


@bp.get("")
def index():
    return _index()


@bp.post("/settings")
def save_settings():
    form = PrivateAddressesForm()
    if not form.validate_on_submit():
        return _index(form, 422)
    services.set_private_allowed(current_user, form.allow_private.data)
    flash("Endpoints on private networks are now " + ("allowed." if form.allow_private.data else "refused."),
          "success")
    return redirect(url_for(".index"))


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = EndpointForm()
    if form.validate_on_submit() and (endpoint := attempt(form, lambda: services.save_endpoint(
            current_user, None, url=form.url.data, description=form.description.data or "",
            events=form.events.data or []))):
        flash("Endpoint added. Copy its signing secret below into your receiver.", "success")
        return redirect(url_for(".show", endpoint_id=endpoint.id, reveal=1))
    return render_template("webhooks/form.html", form=form, endpoint=None), _status(form)


@bp.route("/<int:endpoint_id>/edit", methods=["GET", "POST"])
def edit(endpoint_id: int):
    endpoint = services.get_endpoint(endpoint_id)
    # On GET the form shows the stored endpoint (its events as a list, not the stored string).
    form = EndpointForm() if request.method == "POST" else EndpointForm(data={
        "url": endpoint.url, "description": endpoint.description, "events": endpoint.event_list})
    if form.validate_on_submit() and attempt(form, lambda: services.save_endpoint(
            current_user, endpoint, url=form.url.data, description=form.description.data or "",
            events=form.events.data or [])):
        flash("Endpoint saved.", "success")
        return redirect(url_for(".show", endpoint_id=endpoint.id))
    return render_template("webhooks/form.html", form=form, endpoint=endpoint), _status(form)


@bp.get("/<int:endpoint_id>")
def show(endpoint_id: int):
    endpoint = services.get_endpoint(endpoint_id)
    state = queries.parse_state(request.args.get("state"))
    page = paginate(queries.deliveries(endpoint.id, state), parse_page(request.args.get("page")), PER_PAGE)
    counts = queries.delivery_counts(endpoint.id).get(endpoint.id, dict.fromkeys(queries.STATES, 0))
    return render_template("webhooks/show.html", endpoint=endpoint, page=page, state=state, counts=counts,
                           reveal=request.args.get("reveal") == "1", signature_header=SIGNATURE_HEADER,
                           max_attempts=setting("WEBHOOK_MAX_ATTEMPTS"),
                           disable_after=setting("WEBHOOK_DISABLE_AFTER_FAILURES"))


def _flash_errors(exc: ValidationError) -> None:
    flash(" ".join(exc.errors.values()), "error")


@bp.post("/<int:endpoint_id>/delete")
def delete(endpoint_id: int):
    endpoint = services.get_endpoint(endpoint_id)
    url = endpoint.url
    services.delete_endpoint(current_user, endpoint)
    flash(f"Endpoint {url} deleted with its delivery log.", "success")
    return redirect(url_for(".index"))


@bp.post("/<int:endpoint_id>/secret")
def rotate(endpoint_id: int):
    services.rotate_secret(current_user, services.get_endpoint(endpoint_id))
    flash("A new signing secret is in use from the next delivery on; update your receiver.", "success")
    return redirect(url_for(".show", endpoint_id=endpoint_id, reveal=1))


@bp.post("/<int:endpoint_id>/active")
def toggle(endpoint_id: int):
    endpoint = services.get_endpoint(endpoint_id)
    active = request.form.get("active") == "1"
    try:
        services.set_active(current_user, endpoint, active)
        flash("Endpoint enabled: waiting deliveries go out on the worker's next round." if active
              else "Endpoint paused: events are no longer queued for it.", "success")
    except ValidationError as exc:
        _flash_errors(exc)
    return redirect(url_for(".show", endpoint_id=endpoint_id))


@bp.post("/<int:endpoint_id>/ping")
def ping(endpoint_id: int):
    result = services.send_ping(current_user, services.get_endpoint(endpoint_id))
    outcome = result.outcome
    if outcome.ok:
        flash(f"The endpoint answered the ping with {outcome.status_code} in {outcome.duration_ms} ms.", "success")
    else:
        flash(f"The ping failed: {outcome.error}.", "error")
    return redirect(url_for(".delivery", delivery_id=result.delivery.id))


@bp.get("/deliveries/<int:delivery_id>")
def delivery(delivery_id: int):
    row = queries.delivery_with_attempts(delivery_id)
    return render_template("webhooks/delivery.html", delivery=row, can_redeliver=queries.can_redeliver(row),
                           signature_header=SIGNATURE_HEADER)


@bp.post("/deliveries/<int:delivery_id>/redeliver")
def redeliver(delivery_id: int):
    try:
        row = services.redeliver(current_user, delivery_id)
        when = "on the worker's next round" if row.endpoint.active else "once its endpoint is enabled again"
        flash(f"Delivery {row.uid} is queued again; it is sent {when}.", "success")
    except ValidationError as exc:
        _flash_errors(exc)
    return redirect(url_for(".delivery", delivery_id=delivery_id))
