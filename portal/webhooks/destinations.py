"""Where a webhook may be sent: checked when an endpoint is saved and again, after DNS, before every request.

A URL naming a public host can resolve to 127.0.0.1 or 10.0.0.5 today and to a public address tomorrow (or the
other way round), so the check that matters is the one on the addresses the connection will really use; the
sender then connects to exactly the address checked here, never resolving the name a second time.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from portal.extensions import db
from portal.moderation.models import Setting

URL_MAX = 2000
ALLOW_PRIVATE_KEY = "webhooks_allow_private"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeDestination(Exception):
    """The URL may not be called; the message says why, in words an admin can act on."""


@dataclass(frozen=True)
class Destination:
    url: str
    scheme: str
    host: str
    port: int
    address: IPAddress
    path: str

    @property
    def pinned_url(self) -> str:
        """The URL with the checked address in place of the host name, so no second DNS lookup happens."""
        host = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        return f"{self.scheme}://{host}:{self.port}{self.path}"

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def private_allowed() -> bool:
    """The admin setting that lets webhooks reach loopback and private networks (for endpoints inside a LAN)."""
    setting = db.session.get(Setting, ALLOW_PRIVATE_KEY)
    return setting is not None and setting.value == "1"


def check_url_shape(raw: str) -> str:
    """An absolute http(s) URL without credentials; answers it trimmed, or raises UnsafeDestination."""
    url = (raw or "").strip()
    if not url:
        raise UnsafeDestination("Enter the URL that should receive the events.")
    if len(url) > URL_MAX:
        raise UnsafeDestination(f"Use a URL of at most {URL_MAX} characters.")
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url):
        raise UnsafeDestination("A URL can't contain spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeDestination("That is not a valid URL (check the port and brackets).") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeDestination("Use an http:// or https:// URL.")
    if not parts.hostname:
        raise UnsafeDestination("The URL needs a host name, like https://example.com/hooks.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeDestination("Leave user names and passwords out of the URL; the signature authenticates us.")
    if port == 0:
        raise UnsafeDestination("Port 0 can't be called.")
    return url


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise UnsafeDestination(f"The host name “{host}” could not be resolved.") from exc
    # scope ids ("fe80::1%eth0") are dropped: a link-local address is refused whatever its interface
    return list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))


def _restricted(address: IPAddress) -> bool:
    """Loopback, private, link-local, shared, reserved, multicast or unspecified: anything not on the internet."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return (not address.is_global or address.is_multicast or address.is_reserved or address.is_unspecified
            or address.is_loopback or address.is_link_local or address.is_private)


def _portal_itself(port: int, addresses: list[IPAddress]) -> bool:
    """The portal's own address and port, reached by another name (its IP, or an alias)."""
    site = urlsplit(current_app.config["SITE_URL"])
    site_host = (site.hostname or "").lower()
    site_port = site.port or (443 if site.scheme == "https" else 80)
    if port != site_port:
        return False
    try:
        own = set(_resolve(site_host, site_port))
    except UnsafeDestination:
        return False
    return bool(own.intersection(addresses))


def check_destination(raw: str, *, allow_private: bool | None = None) -> Destination:
    """Resolve a webhook URL and answer the one address to connect to, or raise UnsafeDestination."""
    url = check_url_shape(raw)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if host.lower().rstrip(".") == (urlsplit(current_app.config["SITE_URL"]).hostname or "").lower():
        raise UnsafeDestination("A webhook can't call the portal itself.")
    addresses = _resolve(host, port)
    if not addresses:
        raise UnsafeDestination(f"The host name “{host}” has no address.")
    if _portal_itself(port, addresses):
        raise UnsafeDestination("A webhook can't call the portal itself.")
    if allow_private is None:
        allow_private = private_allowed()
    if not allow_private:
        blocked = [str(a) for a in addresses if _restricted(a)]
        if blocked:
            raise UnsafeDestination(
                f"“{host}” resolves to {', '.join(blocked[:3])}, a loopback, private or reserved address. "
                "An admin can allow private addresses under Webhooks → Settings.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Destination(url=url, scheme=parts.scheme, host=host, port=port, address=addresses[0], path=path)
