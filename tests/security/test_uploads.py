"""Uploads: checked by content, size-limited before they are read whole, re-encoded, stored under random names,
served with nosniff from a route that cannot reach outside the covers folder."""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from portal.errors import ValidationError
from portal.extensions import db
from portal.prototypes.covers import COVER_NAME, MAX_BYTES, store_cover
from portal.prototypes.models import Prototype
from tests.factories import make_product, make_prototype, make_user

SCRIPT = b"<script>alert(document.cookie)</script>"


def _png(size=(32, 24)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def _png_with_text_chunk() -> bytes:
    png = _png()
    end = png.rindex(b"IEND") - 4  # before the IEND chunk's length field
    return png[:end] + _png_chunk(b"tEXt", b"Comment\x00" + SCRIPT) + png[end:]


def _jpeg_with_comment() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), "white").save(out, "JPEG", comment=SCRIPT)
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'
HTML = b"<!doctype html><html><body>" + SCRIPT + b"</body></html>"
GIF_HEADED_HTML = b"GIF89a/*" + SCRIPT  # classic "GIFAR"-style polyglot start


def _folder(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"])


def _stored(app) -> set[str]:
    covers = _folder(app) / "covers"
    return {p.name for p in covers.iterdir()} if covers.exists() else set()


# Checked by content -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [SVG, HTML, GIF_HEADED_HTML, b"\x89PNG\r\n\x1a\n" + SCRIPT, b"%PDF-1.4\n" + SCRIPT],
                         ids=["svg", "html", "gif-header-html", "png-signature-then-html", "pdf"])
def test_files_that_are_not_a_readable_image_are_refused_and_nothing_is_stored(ctx, data):
    before = _stored(ctx)
    with pytest.raises(ValidationError) as refused:
        store_cover(io.BytesIO(data), _folder(ctx))
    assert "cover" in refused.value.errors
    assert _stored(ctx) == before


@pytest.mark.parametrize("data", [_png() + SCRIPT, _png_with_text_chunk(), _jpeg_with_comment()],
                         ids=["png-with-trailing-script", "png-with-text-chunk", "jpeg-with-comment"])
def test_an_image_carrying_a_script_is_stored_re_encoded_without_it(ctx, data):
    name = store_cover(io.BytesIO(data), _folder(ctx))

    stored = (_folder(ctx) / "covers" / name).read_bytes()
    assert b"script" not in stored.lower()
    assert Image.open(io.BytesIO(stored)).size == (32, 24)


def test_the_stored_name_is_random_and_its_extension_comes_from_the_content(ctx):
    names = {store_cover(io.BytesIO(_png()), _folder(ctx)) for _ in range(3)}

    assert len(names) == 3
    assert all(COVER_NAME.fullmatch(n) and n.endswith(".png") for n in names)


class _CountingStream(io.BytesIO):
    """Remembers the largest read, to prove an upload is never read whole."""

    largest = 0

    def read(self, size: int | None = -1) -> bytes:
        _CountingStream.largest = max(_CountingStream.largest, size if size and size > 0 else len(self.getvalue()))
        return super().read(size)


def test_an_oversize_file_is_refused_after_reading_just_past_the_limit(ctx):
    stream = _CountingStream(_png() + b"\0" * (MAX_BYTES * 3))
    with pytest.raises(ValidationError, match="at most 5 MB"):
        store_cover(stream, _folder(ctx))
    assert _CountingStream.largest == MAX_BYTES + 1


# Through HTTP --------------------------------------------------------------------------------------------------


def _upload(client, prototype, data: bytes, filename: str):
    # Encoded in memory: the test client would otherwise spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart({
        "name": prototype.name, "slug": prototype.slug, "stage": "prototype", "version_label": "", "description": "",
        "demo_url": "", "open_for_feedback": "y",
        "cover": FileStorage(io.BytesIO(data), filename=filename, content_type="image/png"),
    })
    return client.post(f"/prototypes/{prototype.slug}/edit", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def designer_and_prototype(app, auth):
    with app.app_context():
        designer = make_user(role="designer")
        prototype = make_prototype(make_product())
    auth.login(designer)
    return prototype


def test_an_html_file_named_png_is_refused_with_a_message(app, client, designer_and_prototype):
    response = _upload(client, designer_and_prototype, HTML, "innocent.png")

    assert response.status_code == 422
    assert "not a readable PNG, JPEG or WebP image" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Prototype.cover_image).where(Prototype.id == designer_and_prototype.id)) \
            is None


def test_a_request_larger_than_the_cap_is_refused_before_it_is_read(app, client, designer_and_prototype):
    before = _stored(app)
    response = _upload(client, designer_and_prototype, b"\0" * (app.config["MAX_CONTENT_LENGTH"] + 1), "big.png")

    assert response.status_code == 413
    assert "larger than the portal accepts" in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers
    assert _stored(app) == before


def test_a_file_between_the_cover_limit_and_the_request_cap_gets_a_polite_form_error(app, client,
                                                                                    designer_and_prototype):
    response = _upload(client, designer_and_prototype, _png() + b"\0" * MAX_BYTES, "large.png")

    assert response.status_code == 422
    assert "Cover images can be at most 5 MB." in response.get_data(as_text=True)


def test_a_good_upload_is_served_as_an_image_with_nosniff(app, client, designer_and_prototype):
    assert _upload(client, designer_and_prototype, _png() + SCRIPT, "photo.jpg").status_code == 302
    with app.app_context():
        name = db.session.scalar(select(Prototype.cover_image).where(Prototype.id == designer_and_prototype.id))

    assert name.endswith(".png")  # the content decides, not the name it came with
    with client.get(f"/media/covers/{name}") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert SCRIPT not in response.data


# The media route cannot leave the covers folder ------------------------------------------------------------------


TRAVERSALS = [
    "../secret.png", "..%2fsecret.png", "..%2F..%2Fconfig.py", "%2e%2e%2fsecret.png", "%2e%2e/secret.png",
    "..%5csecret.png", "..\\secret.png", "%252e%252e%252fsecret.png", "..%c0%afsecret.png",
    "%2fetc%2fpasswd", "/etc/passwd", "//etc/passwd", "C:%5cWindows%5cwin.ini",
    "0123456789abcdef0123456789abcdef.png%00", "0123456789abcdef0123456789abcdef.png%00.html",
    "%000123456789abcdef0123456789abcdef.png", "0123456789abcdef0123456789abcdef.PNG",
    "0123456789ABCDEF0123456789ABCDEF.png", "0123456789abcdef0123456789abcdef.png.html",
    "0123456789abcdef0123456789abcdef.svg", "0123456789abcdef0123456789abcde.png", ".hidden.png",
    "0123456789abcdef0123456789abcdef.png/", "0123456789abcdef0123456789abcdef.png%2f..%2f..%2fsecret.png",
]


@pytest.mark.parametrize("name", TRAVERSALS)
def test_no_name_reaches_a_file_outside_the_covers_folder(app, client, name):
    folder = _folder(app)
    (folder / "covers").mkdir(parents=True, exist_ok=True)
    (folder / "secret.png").write_bytes(_png())
    (folder / "covers" / "0123456789abcdef0123456789abcdef.png").write_bytes(_png())
    try:
        response = client.get(f"/media/covers/{name}")
        body = response.get_data()
        response.close()
    finally:
        (folder / "secret.png").unlink()
        (folder / "covers" / "0123456789abcdef0123456789abcdef.png").unlink()

    assert response.status_code in (404, 308) or response.status_code == 400, (name, response.status_code)
    assert not body.startswith(b"\x89PNG"), name
    assert b"root:" not in body


def test_the_route_serves_only_names_the_store_makes():
    assert COVER_NAME.fullmatch("0123456789abcdef0123456789abcdef.webp")
    for name in ("../x.png", "x.png", "0123456789abcdef0123456789abcdef.png\x00", "a" * 32 + ".gif"):
        assert not COVER_NAME.fullmatch(name)
    assert re.fullmatch(r"[0-9a-f]{32}", "0123456789abcdef0123456789abcdef")
