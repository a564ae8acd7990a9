"""Response headers every response carries (Flask-Talisman), the reverse-proxy fix, and bounded URL id converters."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask_talisman import DENY, Talisman
from werkzeug.datastructures import Headers
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from portal.core.forms import register_form_status
from portal.core.spam import register_spam_checks
from portal.core.text import MAX_ID

# Scripts only from our own files (or a tag carrying this request's nonce: csp_nonce() in templates); no
# eval. Inline style *attributes* stay allowed because status and tag colours come from the database as
# `style="--status-color: …"`; <style> elements do not (style-src-elem). Browsers that do not know the
# -elem/-attr directives fall back to style-src. Images may come from https: because Markdown in ideas and
# comments may show pictures hosted elsewhere (markup.py allows <img src="https://…">).
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "style-src-elem": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "img-src": "'self' data: https:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
PERMISSIONS_POLICY = {"browsing-topics": "()", "camera": "()", "microphone": "()", "geolocation": "()",
                      "payment": "()", "usb": "()"}
REFERRER_POLICY = "strict-origin-when-cross-origin"
# Talisman cannot set these; they isolate our window from pages that open it or that it opens.
EXTRA_HEADERS = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class IdConverter(IntegerConverter):
    """`<int:...>` that refuses numbers the 32-bit id columns cannot hold (a 404, not a database error)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's parameter name
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class _Talisman(Talisman):
    """Talisman, except that a Referrer-Policy a view set itself stays (the unsubscribe pages use no-referrer), and
    that the headers every view shares are assembled once instead of for each response."""

    _assembled: tuple[tuple[str, tuple[str, ...]], ...] | None = None

    def _set_referrer_policy_headers(self, headers) -> None:
        headers.setdefault("Referrer-Policy", self.referrer_policy)

    def _set_response_headers(self, response: Response) -> Response:
        # Talisman rebuilds every policy string from its options for each response: its headers were 6% of a
        # vote's instructions, and are 3% assembled once. Views without options of their own all get the same
        # headers but for the CSP's nonce, so Talisman's own setters run once, into a scratch list, and their output
        # is replayed with this response's nonce in place. HSTS (HTTPS requests only) and the referrer policy (a
        # view may set its own) are set as Talisman sets them, for each response.
        nonce = getattr(request, "csp_nonce", "")
        view = current_app.view_functions.get(request.endpoint or "")
        if not nonce or getattr(view, "talisman_view_options", None):
            return super()._set_response_headers(response)
        assembled = self._assembled
        if assembled is None:
            scratch = Headers()
            options = self._get_local_options()
            for setter in (self._set_feature_policy_headers, self._set_permissions_policy_headers,
                           self._set_document_policy_headers, self._set_frame_options_headers,
                           self._set_content_security_policy_headers):
                setter(scratch, options)
            assembled = self._assembled = tuple((name, tuple(value.split(nonce))) for name, value in scratch.items())
        headers = response.headers
        for name, parts in assembled:
            headers[name] = nonce.join(parts)
        self._set_hsts_headers(headers)
        self._set_referrer_policy_headers(headers)
        return response


def _add_extra_headers(response: Response) -> Response:
    for name, value in EXTRA_HEADERS.items():
        response.headers[name] = value
    return response


def _trust_proxy(app: Flask) -> None:
    # Only when configured: without a proxy in front, X-Forwarded-* come from the client and would let
    # anyone pick the address their rate limits are counted under.
    counts = {key: int(app.config.get(f"PROXY_FIX_X_{key.upper()}", 0) or 0) for key in ("for", "proto", "host")}
    if any(counts.values()):
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=counts["for"], x_proto=counts["proto"], x_host=counts["host"])


def register_security(app: Flask) -> None:
    """Bound integer URL parts, trust a configured proxy and add the security headers; call before blueprints."""
    app.url_map.converters["int"] = IdConverter
    _trust_proxy(app)
    hsts = int(app.config.get("HSTS_SECONDS", 0) or 0)
    # A Talisman per app: it keeps its options on the object, and tests build several apps.
    talisman = _Talisman()
    talisman.init_app(
        app,
        force_https=bool(app.config.get("FORCE_HTTPS")),
        strict_transport_security=hsts > 0,
        strict_transport_security_max_age=hsts,
        strict_transport_security_include_subdomains=False,  # other sites may live on our subdomains
        frame_options=DENY,
        content_security_policy=CONTENT_SECURITY_POLICY,
        content_security_policy_nonce_in=["script-src"],
        permissions_policy=PERMISSIONS_POLICY,
        referrer_policy=REFERRER_POLICY,
        # Cookie flags come from config.py (Secure only in production); Talisman would otherwise force Secure.
        session_cookie_secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
        session_cookie_http_only=True,
        session_cookie_samesite=app.config.get("SESSION_COOKIE_SAMESITE") or "Lax",
    )
    app.extensions["talisman"] = talisman
    app.after_request(_add_extra_headers)
    register_spam_checks(app)
    register_form_status(app)
