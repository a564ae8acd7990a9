"""The sitemap document, built with ElementTree so user text is never pasted into XML."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from xml.etree import ElementTree as ET

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def build_sitemap(urls: Iterable[tuple[str, datetime | None]]) -> bytes:
    root = ET.Element("urlset", xmlns=NAMESPACE)
    for loc, lastmod in urls:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = loc
        if lastmod is not None:
            ET.SubElement(url, "lastmod").text = lastmod.astimezone(UTC).isoformat(timespec="seconds")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
