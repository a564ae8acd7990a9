"""Webhook delivery against a real HTTP receiver on loopback: signatures, retries, exactly once, disabling."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

from sqlalchemy import select

from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Idea
from portal.ideas.services import add_comment, cast_vote, edit_idea, remove_vote
from portal.notifications.models import Notification, OutboxMessage
from portal.triage.services import merge_ideas
from portal.triage.statuses import set_status, status_by_name
from portal.webhooks.delivery import deliver_webhooks
from portal.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from portal.webhooks.signing import verify
from tests.factories import make_idea, make_prototype, make_user


def _later(minutes: int = 600):
    return utcnow() + timedelta(minutes=minutes)


def _deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_new_idea_arrives_signed_with_its_id_type_and_data(ctx, hook, endpoint_for):
    endpoint = endpoint_for(hook.url())
    idea = make_idea(title="Spare batteries in the classroom kit")
    report = deliver_webhooks()
    assert report.sent == 1 and report.errors == []
    [got] = hook.received
    assert verify(endpoint.secret, got.headers["portal-signature"], got.body)
    assert not verify("whsec_wrong", got.headers["portal-signature"], got.body)
    assert not verify(endpoint.secret, got.headers["portal-signature"], got.body + b" ")
    body = got.json
    assert body["type"] == "idea.created" == got.headers["portal-event"]
    assert body["id"] == got.headers["portal-webhook-id"] and body["id"].startswith("evt_")
    assert body["data"]["idea"]["id"] == idea.id
    assert body["data"]["idea"]["title"] == "Spare batteries in the classroom kit"
    assert body["data"]["idea"]["url"].startswith(f"http://portal.test/ideas/{idea.id}/")
    assert body["data"]["idea"]["status"]["name"] == "New" and body["data"]["idea"]["votes"] == 1
    assert got.headers["content-type"] == "application/json"
    [row] = _deliveries()
    assert row.status == "sent" and row.attempts == 1 and row.last_status_code == 200
    [attempt] = row.attempt_log
    assert attempt.ok and attempt.status_code == 200 and attempt.response_start == '{"ok": true}'
    assert attempt.duration_ms >= 0


def test_a_replayed_request_fails_verification_once_its_timestamp_is_old(ctx, hook, endpoint_for):
    endpoint = endpoint_for(hook.url())
    make_idea()
    deliver_webhooks()
    [got] = hook.received
    header = got.headers["portal-signature"]
    sent_at = int(header.split(",")[0].removeprefix("t="))
    assert verify(endpoint.secret, header, got.body, now=sent_at + 60)
    assert not verify(endpoint.secret, header, got.body, now=sent_at + 3600)


def test_every_service_event_is_sent_with_its_type(ctx, hook, endpoint_for):
    designer, voter = make_user("designer"), make_user()
    endpoint_for(hook.url())
    prototype = make_prototype()
    idea = make_idea(designer, prototype)
    other = make_idea(designer, prototype)
    cast_vote(voter, idea)
    remove_vote(voter, idea)
    edit_idea(designer, idea, "A clearer title for this", "Now with words")
    add_comment(voter, idea, "I would use this daily")
    set_status(designer, idea, status_by_name("Planned"), "In the next build")
    merge_ideas(designer, other, idea)
    deliver_webhooks()
    types = [r.json["type"] for r in hook.received]
    assert types[:7] == ["idea.created", "idea.created", "vote.created", "vote.removed", "idea.updated",
                         "comment.created", "idea.status_changed"]
    assert set(types[7:]) == {"idea.status_changed", "idea.merged"}  # the duplicate moves to Duplicate too
    by_type = {r.json["type"]: r.json["data"] for r in hook.received}
    assert by_type["vote.removed"]["voter"]["id"] == voter.id and by_type["vote.removed"]["idea"]["votes"] == 1
    assert by_type["comment.created"]["comment"]["body"] == "I would use this daily"
    moved = [r.json["data"] for r in hook.received if r.json["type"] == "idea.status_changed"][0]
    assert (moved["from_status"]["name"], moved["to_status"]["name"], moved["note"]) == ("New", "Planned",
                                                                                      "In the next build")
    assert by_type["idea.merged"]["merged_into"]["id"] == idea.id


def test_an_endpoint_only_gets_the_events_it_chose(ctx, hook, endpoint_for):
    endpoint_for(hook.url(), events=["comment.created"])
    idea = make_idea()
    add_comment(make_user(), idea, "Hello")
    deliver_webhooks()
    assert [r.json["type"] for r in hook.received] == ["comment.created"]


def test_nothing_is_queued_when_the_change_rolls_back(ctx, hook, endpoint_for):
    endpoint_for(hook.url())
    idea = make_idea()
    before = len(_deliveries())
    voter = make_user()
    from portal.webhooks import events as webhook_events

    webhook_events.vote_changed(voter, idea, added=True)
    db.session.rollback()
    assert len(_deliveries()) == before


def test_a_500_is_retried_with_backoff_and_each_attempt_logged(ctx, hook, endpoint_for):
    hook.plan["/hooks"] = [(500, 0), (200, 0)]
    endpoint_for(hook.url())
    make_idea()
    report = deliver_webhooks()
    assert report.retrying == 1 and report.errors == ["HTTP 500"]
    [row] = _deliveries()
    assert row.status == "queued" and row.attempts == 1 and row.last_status_code == 500
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)
    assert deliver_webhooks().handled == 0  # not due yet
    assert deliver_webhooks(now=_later()).sent == 1
    [row] = _deliveries()
    assert row.status == "sent" and [a.status_code for a in row.attempt_log] == [500, 200]
    assert row.attempt_log[0].response_start == "receiver says no: 500"
    first, second = hook.received
    assert first.json["id"] == second.json["id"] and first.body == second.body


def test_a_timeout_is_retried(ctx, hook, endpoint_for, hook_config):
    hook_config(WEBHOOK_TIMEOUT_SECONDS=0.5)
    hook.plan["/hooks"] = [(200, 2.0), (200, 0)]
    endpoint_for(hook.url())
    make_idea()
    report = deliver_webhooks()
    assert report.retrying == 1 and report.errors == ["Timed out after 0.5 s"]
    [attempt] = _deliveries()[0].attempt_log
    assert attempt.status_code is None and not attempt.ok and attempt.duration_ms >= 400
    assert deliver_webhooks(now=_later()).sent == 1
    assert len(hook.received) == 2


def test_a_delivery_fails_for_good_after_the_last_attempt(ctx, hook, endpoint_for, hook_config):
    hook_config(WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_DISABLE_AFTER_FAILURES=100)
    hook.plan["/hooks"] = [(503, 0)]
    endpoint_for(hook.url())
    make_idea()
    for minutes in (0, 600, 1200):
        deliver_webhooks(now=_later(minutes))
    [row] = _deliveries()
    assert row.status == "failed" and row.attempts == 3 and row.last_error == "HTTP 503"
    assert deliver_webhooks(now=_later(5000)).handled == 0


def test_each_delivery_arrives_exactly_once_with_several_workers(app, ctx, hook, endpoint_for):
    endpoint_for(hook.url())
    prototype = make_prototype()
    for _ in range(12):
        make_idea(prototype=prototype)
    db.session.remove()
    reports = []

    def work(name: str) -> None:
        with app.app_context():
            for _ in range(4):
                reports.append(deliver_webhooks(worker=name, limit=3))
            db.session.remove()

    threads = [threading.Thread(target=work, args=(f"worker-{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    ids = hook.ids()
    assert len(ids) == 12 and len(set(ids)) == 12
    assert sum(r.sent for r in reports) == 12
    assert deliver_webhooks(now=_later()).handled == 0
    assert db.session.scalar(select(db.func.count()).select_from(WebhookAttempt)) == 12


def test_an_endpoint_failing_again_and_again_is_disabled_and_the_admins_told(ctx, hook, admin, endpoint_for,
                                                                                hook_config):
    hook_config(WEBHOOK_DISABLE_AFTER_FAILURES=3, WEBHOOK_DISABLE_AFTER_SECONDS=0)
    hook.plan["/hooks"] = [(500, 0)]
    endpoint = endpoint_for(hook.url())
    other_admin, designer = make_user("admin"), make_user("designer")
    prototype = make_prototype()
    for _ in range(2):
        make_idea(prototype=prototype)
    deliver_webhooks()
    deliver_webhooks(now=_later())
    db.session.expire_all()
    endpoint = db.session.get(WebhookEndpoint, endpoint.id)
    assert not endpoint.active and endpoint.failure_streak == 3  # the batch's last delivery went back untried
    assert "3 failed attempts in a row" in endpoint.disabled_reason
    notes = db.session.scalars(select(Notification).where(Notification.event == "webhook_disabled")).all()
    assert sorted(n.user_id for n in notes) == sorted([admin.id, other_admin.id])
    assert designer.id not in {n.user_id for n in notes}
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "webhook_disabled")).all()
    assert sorted(m.to_address for m in mails) == sorted([admin.email, other_admin.email])
    assert f"http://portal.test/admin/webhooks/{endpoint.id}" in mails[0].text_body
    # Disabled: its waiting deliveries stay queued, nothing new is queued, and the worker leaves it alone.
    waiting = [d for d in _deliveries() if d.status == "queued"]
    assert waiting
    make_idea(prototype=prototype)
    assert len(_deliveries()) == 2
    assert deliver_webhooks(now=_later(5000)).handled == 0


def test_the_disabled_notice_shows_under_the_bell(app, client, auth, hook, hook_config):
    from portal.webhooks.services import save_endpoint, set_private_allowed

    hook_config(WEBHOOK_DISABLE_AFTER_FAILURES=1, WEBHOOK_DISABLE_AFTER_SECONDS=0)
    hook.plan["/hooks"] = [(500, 0)]
    with app.app_context():
        admin = make_user("admin")
        email = admin.email
        set_private_allowed(admin, True)
        save_endpoint(admin, None, url=hook.url(), description="", events=["idea.created"])
        make_idea()
        deliver_webhooks()
    auth.login(email)
    page = client.get("/notifications").get_data(as_text=True)
    assert f"Webhook endpoint {hook.url()} was disabled" in page
    assert "Disabled automatically after 1 failed attempts in a row." in page


def test_a_failure_streak_is_reset_by_a_success(ctx, hook, endpoint_for, hook_config):
    hook_config(WEBHOOK_DISABLE_AFTER_FAILURES=3, WEBHOOK_DISABLE_AFTER_SECONDS=0)
    hook.plan["/hooks"] = [(500, 0), (500, 0), (200, 0), (500, 0), (500, 0), (200, 0)]
    endpoint = endpoint_for(hook.url())
    make_idea()
    for minutes in range(0, 6000, 600):
        deliver_webhooks(now=_later(minutes))
        make_idea(title=f"Idea at {minutes}") if minutes == 1200 else None
    db.session.expire_all()
    assert db.session.get(WebhookEndpoint, endpoint.id).active


def test_redirects_are_never_followed(ctx, hook, endpoint_for):
    hook.plan["/moved"] = [(302, 0)]
    endpoint_for(hook.url("/moved"))
    make_idea()
    report = deliver_webhooks()
    assert report.retrying == 1
    assert [r.path for r in hook.received] == ["/moved"]
    [attempt] = _deliveries()[0].attempt_log
    assert attempt.status_code == 302
    assert attempt.error == f"Redirect to http://127.0.0.1:{hook.port}/elsewhere not followed"


def test_the_worker_command_sends_webhooks_and_email_alike(app, runner, hook):
    from portal.webhooks.services import save_endpoint, set_private_allowed

    with app.app_context():
        admin = make_user("admin")
        set_private_allowed(admin, True)
        save_endpoint(admin, None, url=hook.url(), description="", events=["idea.created"])
        make_idea()
    result = runner.invoke(args=["notifications", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert [json.loads(r.body)["type"] for r in hook.received] == ["idea.created"]


def test_nothing_is_sent_about_ideas_the_public_cannot_see(ctx, hook, endpoint_for):
    from portal.moderation.services import approve_idea, hide_idea, set_hold_first_posts

    endpoint_for(hook.url())
    designer, newcomer = make_user("designer"), make_user()
    set_hold_first_posts(make_user("admin"), True)
    from portal.ideas.services import submit_idea

    held = submit_idea(newcomer, make_prototype(), "Held for approval", "")
    visible = make_idea(designer, title="Visible then hidden")
    hide_idea(designer, db.session.get(Idea, visible.id), "Spam")
    add_comment(designer, db.session.get(Idea, visible.id), "A team note on a hidden idea")
    deliver_webhooks()
    assert [r.json["data"]["idea"]["title"] for r in hook.received] == ["Visible then hidden"]
    approve_idea(designer, db.session.get(Idea, held.id))
    deliver_webhooks()
    assert [r.json["type"] for r in hook.received][-1] == "idea.created"
    assert hook.received[-1].json["data"]["idea"]["title"] == "Held for approval"
