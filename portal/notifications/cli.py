"""`flask --app wsgi notifications work|digest`: the outbox worker and the daily digest."""

from __future__ import annotations

import logging
import signal

import click
from flask import current_app
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="Send queued email and daily digests.")


@notifications_cli.command("work")
@click.option("--once", is_flag=True, help="Send what is due now, then stop (for cron and tests).")
@click.option("--poll", default=2.0, show_default=True, help="Seconds to wait when nothing is due.")
def work(once: bool, poll: float) -> None:
    """Send queued email, retrying failures with backoff; run several at once to share the queue."""
    from portal.notifications.delivery import run_worker

    current_app.logger.setLevel(logging.INFO)  # one line per message written or sent
    stopping = {"now": False}

    def _stop(*_: object) -> None:  # finish the message in hand, then leave
        stopping["now"] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    report = run_worker(once=once, poll_seconds=poll, log=click.echo, should_stop=lambda: stopping["now"])
    click.echo(f"Worker stopped: sent {report.sent}, retrying {report.retrying}, failed {report.failed}.")


@notifications_cli.command("digest")
def digest() -> None:
    """Write each person's daily digest into the outbox (run once a day, e.g. from cron)."""
    from portal.notifications.digest import send_digests

    count = send_digests()
    click.echo(f"Queued {count} digest{'s' if count != 1 else ''}; the worker sends them.")
