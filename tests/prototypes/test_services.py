"""Product and prototype rules at the service level, cover images included."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal.errors import PermissionDenied, ValidationError
from portal.extensions import db
from portal.prototypes import services
from portal.prototypes.covers import MAX_BYTES
from portal.prototypes.models import Product, Prototype
from tests.factories import make_product, make_prototype, make_user

GPS_IFD = 0x8825
MAKE, MODEL, SOFTWARE, ORIENTATION = 0x010F, 0x0110, 0x0131, 0x0112


def _image_bytes(fmt: str, size: tuple[int, int] = (64, 48), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 10)).save(out, format=fmt, **save)
    return out.getvalue()


def _jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[MAKE] = "SecretCam"
    exif[MODEL] = "Model X1"
    exif[SOFTWARE] = "TellTale 1.0"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (52.0, 22.0, 1.5), 3: "E", 4: (4.0, 53.0, 2.5)})
    return _image_bytes("JPEG", exif=exif.tobytes())


def _covers(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"]) / "covers"


def _cover_files(app) -> set[str]:
    folder = _covers(app)
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def _save_prototype(actor, product=None, prototype=None, **fields):
    from flask import current_app

    fields.setdefault("name", "Mesh Router")
    return services.save_prototype(actor, prototype, product=product or make_product(),
                                   upload_folder=current_app.config["UPLOAD_FOLDER"], **fields)


# who may make products and prototypes --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["customer", "developer"])
def test_customers_and_developers_cannot_create_products(ctx, role):
    with pytest.raises(PermissionDenied):
        services.save_product(make_user(role=role), None, name="Mesh Network")

    assert db.session.scalar(select(func.count()).select_from(Product)) == 0


@pytest.mark.parametrize("role", ["customer", "developer"])
def test_customers_and_developers_cannot_edit_products(ctx, role):
    product = make_product(name="Original")

    with pytest.raises(PermissionDenied):
        services.save_product(make_user(role=role), product, name="Changed")

    db.session.expire_all()
    assert db.session.get(Product, product.id).name == "Original"


@pytest.mark.parametrize("role", ["customer", "developer"])
def test_customers_and_developers_cannot_create_or_edit_prototypes(ctx, role):
    actor = make_user(role=role)
    existing = make_prototype(name="Original")

    with pytest.raises(PermissionDenied):
        _save_prototype(actor)
    with pytest.raises(PermissionDenied):
        _save_prototype(actor, product=existing.product, prototype=existing, name="Changed")

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Prototype)) == 1
    assert db.session.get(Prototype, existing.id).name == "Original"


@pytest.mark.parametrize("role", ["designer", "admin"])
def test_designers_and_admins_create_products_and_prototypes(ctx, role):
    actor = make_user(role=role)

    product = services.save_product(actor, None, name="Mesh Network", tagline="Wi-Fi everywhere")
    prototype = _save_prototype(actor, product=product, name="Router v1", stage="pilot", version_label="v0.3")

    assert product.id is not None and product.tagline == "Wi-Fi everywhere"
    assert prototype.product_id == product.id
    assert (prototype.stage, prototype.version_label) == ("pilot", "v0.3")


# slugs -------------------------------------------------------------------------------------------------------


def test_a_product_slug_is_made_from_its_name(ctx):
    product = services.save_product(make_user(role="designer"), None, name="Mesh Network 2.0!")

    assert product.slug == "mesh-network-2-0"


def test_a_prototype_slug_is_made_from_its_name(ctx):
    prototype = _save_prototype(make_user(role="designer"), name="Café Router (Beta)")

    assert prototype.slug == "cafe-router-beta"


def test_a_given_slug_is_kept_lower_cased(ctx):
    product = services.save_product(make_user(role="designer"), None, name="Mesh", slug="  Mesh-Net ")

    assert product.slug == "mesh-net"


@pytest.mark.parametrize("slug", ["has space", "double--hyphen", "-leading", "sla/sh", "x" * 81])
def test_a_malformed_slug_is_rejected(ctx, slug):
    with pytest.raises(ValidationError) as exc:
        services.save_product(make_user(role="designer"), None, name="Mesh", slug=slug)

    assert "slug" in exc.value.errors


def test_a_name_with_no_usable_slug_characters_is_rejected_on_slug(ctx):
    with pytest.raises(ValidationError) as exc:
        services.save_product(make_user(role="designer"), None, name="!!!")

    assert "slug" in exc.value.errors


def test_a_duplicate_product_slug_is_rejected_on_slug(ctx):
    designer = make_user(role="designer")
    services.save_product(designer, None, name="Mesh Network")

    with pytest.raises(ValidationError) as exc:
        services.save_product(designer, None, name="Mesh network")

    assert "slug" in exc.value.errors
    assert db.session.scalar(select(func.count()).select_from(Product)) == 1


def test_a_duplicate_prototype_slug_is_rejected_on_slug(ctx):
    designer = make_user(role="designer")
    product = make_product()
    _save_prototype(designer, product=product, name="Router")

    with pytest.raises(ValidationError) as exc:
        _save_prototype(designer, product=product, name="Other", slug="router")

    assert "slug" in exc.value.errors


def test_saving_a_product_again_keeps_its_own_slug(ctx):
    designer = make_user(role="designer")
    product = services.save_product(designer, None, name="Mesh Network")

    saved = services.save_product(designer, product, name="Mesh Network", slug="mesh-network", tagline="New")

    assert (saved.id, saved.slug, saved.tagline) == (product.id, "mesh-network", "New")


# fields -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", ["beta", "", "Prototype"])
def test_an_unknown_stage_is_rejected(ctx, stage):
    with pytest.raises(ValidationError) as exc:
        _save_prototype(make_user(role="designer"), stage=stage)

    assert "stage" in exc.value.errors


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/file", "www.example.org",
                                 "data:text/html,hi"])
def test_a_demo_link_that_is_not_http_or_https_is_rejected(ctx, url):
    with pytest.raises(ValidationError) as exc:
        _save_prototype(make_user(role="designer"), demo_url=url)

    assert "demo_url" in exc.value.errors


@pytest.mark.parametrize("url", ["https://figma.com/file/abc", "http://demo.example.org", ""])
def test_an_http_or_https_demo_link_or_none_is_accepted(ctx, url):
    assert _save_prototype(make_user(role="designer"), demo_url=url).demo_url == url


def test_a_product_description_is_rendered_from_markdown_and_sanitized(ctx):
    source = "Some **bold** text.\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2))"

    product = services.save_product(make_user(role="designer"), None, name="Mesh", description=source)

    assert product.description == source
    assert "<strong>bold</strong>" in product.description_html
    assert "<script" not in product.description_html
    assert "javascript:" not in product.description_html


def test_a_prototype_description_is_rendered_from_markdown_and_sanitized(ctx):
    source = "# Heading\n\n<img src=x onerror=alert(1)> see https://example.org"

    prototype = _save_prototype(make_user(role="designer"), description=source)

    assert "<h1>Heading</h1>" in prototype.description_html
    assert "onerror" not in prototype.description_html
    assert 'href="https://example.org"' in prototype.description_html
    assert 'rel="nofollow ugc noopener"' in prototype.description_html


def test_a_product_name_of_one_character_is_rejected(ctx):
    with pytest.raises(ValidationError) as exc:
        services.save_product(make_user(role="designer"), None, name="M")

    assert "name" in exc.value.errors


# cover images -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "ext"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_a_real_image_is_stored_re_encoded_under_a_new_name(ctx, fmt, ext):
    original = _image_bytes(fmt)

    prototype = _save_prototype(make_user(role="designer"), cover=io.BytesIO(original))

    assert prototype.cover_image.endswith(f".{ext}")
    stored = (_covers(ctx) / prototype.cover_image).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == fmt
        assert image.size == (64, 48)


def test_a_stored_jpeg_has_no_exif_metadata_left(ctx):
    original = _jpeg_with_exif()
    with Image.open(io.BytesIO(original)) as source:  # the fixture really carries EXIF
        assert source.getexif()[MAKE] == "SecretCam"

    prototype = _save_prototype(make_user(role="designer"), cover=io.BytesIO(original))

    stored = (_covers(ctx) / prototype.cover_image).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert "exif" not in image.info
        assert len(image.getexif()) == 0
    assert b"SecretCam" not in stored
    assert b"Exif\x00\x00" not in stored


def test_a_rotated_photo_is_stored_upright_without_its_orientation_tag(ctx):
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # "rotate 90° clockwise to display"
    original = _image_bytes("JPEG", size=(64, 48), exif=exif.tobytes())

    prototype = _save_prototype(make_user(role="designer"), cover=io.BytesIO(original))

    with Image.open(_covers(ctx) / prototype.cover_image) as image:
        assert image.size == (48, 64)
        assert ORIENTATION not in image.getexif()


def test_a_wide_image_is_scaled_down_to_1600_pixels(ctx):
    prototype = _save_prototype(make_user(role="designer"), cover=io.BytesIO(_image_bytes("PNG", size=(3200, 100))))

    with Image.open(_covers(ctx) / prototype.cover_image) as image:
        assert image.size == (1600, 50)


def test_a_text_file_renamed_png_is_rejected_and_nothing_is_stored(ctx):
    upload = FileStorage(io.BytesIO(b"print('not an image')\n" * 20), filename="cover.png", content_type="image/png")
    before = _cover_files(ctx)

    with pytest.raises(ValidationError) as exc:
        _save_prototype(make_user(role="designer"), cover=upload.stream)

    assert "cover" in exc.value.errors
    assert _cover_files(ctx) == before
    assert db.session.scalar(select(func.count()).select_from(Prototype)) == 0


@pytest.mark.parametrize("fmt", ["GIF", "BMP"])
def test_an_image_in_another_format_is_rejected(ctx, fmt):
    with pytest.raises(ValidationError) as exc:
        _save_prototype(make_user(role="designer"), cover=io.BytesIO(_image_bytes(fmt)))

    assert "cover" in exc.value.errors


def test_a_truncated_image_is_rejected(ctx):
    broken = _image_bytes("PNG", size=(200, 200))[:200]

    with pytest.raises(ValidationError) as exc:
        _save_prototype(make_user(role="designer"), cover=io.BytesIO(broken))

    assert "cover" in exc.value.errors


def test_an_empty_upload_is_rejected(ctx):
    with pytest.raises(ValidationError) as exc:
        _save_prototype(make_user(role="designer"), cover=io.BytesIO(b""))

    assert "cover" in exc.value.errors


def test_an_image_over_5_mb_is_rejected(ctx):
    too_big = _image_bytes("PNG") + b"\0" * MAX_BYTES
    before = _cover_files(ctx)

    with pytest.raises(ValidationError) as exc:
        _save_prototype(make_user(role="designer"), cover=io.BytesIO(too_big))

    assert "5 MB" in exc.value.errors["cover"]
    assert _cover_files(ctx) == before


def test_replacing_a_cover_deletes_the_old_file(ctx):
    designer = make_user(role="designer")
    prototype = _save_prototype(designer, cover=io.BytesIO(_image_bytes("PNG")))
    old = prototype.cover_image

    _save_prototype(designer, product=prototype.product, prototype=prototype, cover=io.BytesIO(_image_bytes("JPEG")))

    assert prototype.cover_image != old
    assert (_covers(ctx) / prototype.cover_image).exists()
    assert not (_covers(ctx) / old).exists()


def test_removing_a_cover_deletes_the_file(ctx):
    designer = make_user(role="designer")
    prototype = _save_prototype(designer, cover=io.BytesIO(_image_bytes("PNG")))
    old = prototype.cover_image

    _save_prototype(designer, product=prototype.product, prototype=prototype, remove_existing_cover=True)

    assert prototype.cover_image is None
    assert not (_covers(ctx) / old).exists()


def test_saving_without_a_new_cover_keeps_the_current_one(ctx):
    designer = make_user(role="designer")
    prototype = _save_prototype(designer, cover=io.BytesIO(_image_bytes("PNG")))
    cover = prototype.cover_image

    _save_prototype(designer, product=prototype.product, prototype=prototype, name="Renamed")

    assert prototype.cover_image == cover
    assert (_covers(ctx) / cover).exists()


# serving covers -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "mimetype"), [("PNG", "image/png"), ("JPEG", "image/jpeg"),
                                               ("WEBP", "image/webp")])
def test_a_stored_cover_is_served_with_its_content_type(app, client, fmt, mimetype):
    with app.app_context():
        prototype = _save_prototype(make_user(role="designer"), cover=io.BytesIO(_image_bytes(fmt)))
        name = prototype.cover_image
        stored = (_covers(app) / name).read_bytes()

    with client.get(f"/media/covers/{name}") as response:  # closes the served file
        assert response.status_code == 200
        assert response.mimetype == mimetype
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.data == stored


def test_a_missing_cover_is_not_found(client):
    assert client.get("/media/covers/0123456789abcdef.png").status_code == 404


@pytest.mark.parametrize("path", [
    "/media/covers/../x.png",
    "/media/covers/..%2fx.png",
    "/media/covers/..%2fconfig.py",
    "/media/covers/..%2F..%2Fconfig.py",
    "/media/covers/%2e%2e%2fx.png",
    "/media/covers/..%5cx.png",
    "/media/covers/.x.png",
    "/media/covers/x.py",
])
def test_cover_paths_outside_the_covers_folder_are_not_found(app, client, path):
    secret = Path(app.config["UPLOAD_FOLDER"]) / "x.png"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_bytes(_image_bytes("PNG"))
    _covers(app).mkdir(parents=True, exist_ok=True)
    (_covers(app) / ".x.png").write_bytes(_image_bytes("PNG"))
    try:
        response = client.get(path)
    finally:
        secret.unlink()
        (_covers(app) / ".x.png").unlink()

    assert response.status_code == 404
