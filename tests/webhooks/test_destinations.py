"""Server-side request forgery: where a webhook may not go, checked when saved and again before each request."""

from __future__ import annotations

import socket

import pytest

from portal.errors import ValidationError
from portal.extensions import db
from portal.webhooks.delivery import deliver_webhooks
from portal.webhooks.destinations import UnsafeDestination, check_destination
from portal.webhooks.models import WebhookDelivery
from portal.webhooks.services import save_endpoint, set_private_allowed
from tests.factories import make_idea

ALL = ["idea.created"]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hooks",
    "http://localhost/hooks",
    "http://[::1]/hooks",
    "http://10.1.2.3/hooks",
    "http://172.16.0.9/hooks",
    "http://192.168.1.20/hooks",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://100.64.0.1/hooks",  # carrier-grade NAT
    "http://0.0.0.0/hooks",
    "http://[::ffff:127.0.0.1]/hooks",  # IPv4 in IPv6 clothing
    "http://[fe80::1]/hooks",
    "http://[fd00::1]/hooks",
    "http://224.0.0.1/hooks",
    "http://240.0.0.1/hooks",
    "http://2130706433/hooks",  # 127.0.0.1 as one decimal number
])
def test_private_loopback_and_reserved_addresses_are_refused(ctx, admin, url):
    with pytest.raises(ValidationError) as refused:
        save_endpoint(admin, None, url=url, description="", events=ALL)
    assert "loopback, private or reserved" in refused.value.errors["url"] or \
        "could not be resolved" in refused.value.errors["url"]


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://example.com/hooks", "Use an http:// or https:// URL."),
    ("file:///etc/passwd", "Use an http:// or https:// URL."),
    ("https://user:secret@example.com/hooks", "Leave user names and passwords out of the URL"),
    ("https://exa mple.com/hooks", "can't contain spaces"),
    ("https://example.com:99999/hooks", "not a valid URL"),
    ("", "Enter the URL"),
    ("https:///hooks", "needs a host name"),
])
def test_malformed_urls_are_refused_with_a_reason(ctx, admin, url, message):
    with pytest.raises(ValidationError) as refused:
        save_endpoint(admin, None, url=url, description="", events=ALL)
    assert message in refused.value.errors["url"]


def test_a_public_name_resolving_to_a_private_address_is_refused(ctx, admin, monkeypatch):
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):
        if host == "hooks.example.com":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443))]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with pytest.raises(ValidationError) as refused:
        save_endpoint(admin, None, url="https://hooks.example.com/in", description="", events=ALL)
    assert "“hooks.example.com” resolves to 10.0.0.7" in refused.value.errors["url"]


def test_the_check_connects_to_the_address_it_checked(ctx, monkeypatch):
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))] if host == "hooks.example.com"
        else real(host, *a, **k))
    target = check_destination("https://hooks.example.com/in?x=1")
    assert target.pinned_url == "https://93.184.216.34:443/in?x=1"
    assert target.host_header == "hooks.example.com"


def test_the_portal_itself_is_refused_even_where_private_addresses_are_allowed(ctx, admin):
    set_private_allowed(admin, True)
    with pytest.raises(UnsafeDestination, match="the portal itself"):
        check_destination("http://portal.test/api/v1/ideas")


def test_the_admin_setting_allows_private_addresses(ctx, admin):
    set_private_allowed(admin, True)
    endpoint = save_endpoint(admin, None, url="http://127.0.0.1:9/hooks", description="", events=ALL)
    assert endpoint.url == "http://127.0.0.1:9/hooks"


def test_a_url_refused_since_it_was_saved_is_refused_at_send_time_too(ctx, admin, hook):
    set_private_allowed(admin, True)
    save_endpoint(admin, None, url=hook.url(), description="", events=ALL)
    set_private_allowed(admin, False)
    make_idea()
    report = deliver_webhooks()
    assert report.retrying == 1 and hook.received == []
    [row] = db.session.scalars(db.select(WebhookDelivery)).all()
    assert row.attempt_log[0].error.startswith("Refused: “127.0.0.1” resolves to 127.0.0.1")
    assert row.attempt_log[0].status_code is None
