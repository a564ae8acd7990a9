"""Cover images: verified with Pillow, re-encoded without metadata, stored outside the code tree."""

from __future__ import annotations

import io
import re
import uuid
import warnings
from pathlib import Path
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from portal.errors import ValidationError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_WIDTH = 1600
FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"), "WEBP": ("webp", "image/webp")}
MIMETYPES = {ext: mime for ext, mime in FORMATS.values()}
# The names store_cover() gives files; the media route serves nothing else.
COVER_NAME = re.compile(r"[0-9a-f]{32}\.(?:" + "|".join(MIMETYPES) + ")")


def _open_verified(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            probe = Image.open(io.BytesIO(data))
            if probe.format not in FORMATS:
                raise ValidationError({"cover": "Upload a PNG, JPEG or WebP image."})
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError({"cover": "That image has too many pixels; use one under 40 megapixels."})
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
        except ValidationError:
            raise
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
                Image.DecompressionBombWarning) as exc:
            raise ValidationError({"cover": "That file is not a readable PNG, JPEG or WebP image."}) from exc
    return image


def _reencode(image: Image.Image, fmt: str) -> bytes:
    image = ImageOps.exif_transpose(image)
    if image.width > MAX_WIDTH:
        image = image.resize((MAX_WIDTH, round(image.height * MAX_WIDTH / image.width)), Image.LANCZOS)
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    # Only palette transparency survives; ICC profiles, EXIF and text chunks would otherwise be copied over.
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": 85, "optimize": True} if fmt == "JPEG" else {}))
    return out.getvalue()


def store_cover(stream: IO[bytes], folder: str | Path) -> str:
    """Validate and store an uploaded cover image; return its new file name."""
    data = stream.read(MAX_BYTES + 1)
    if not data:
        raise ValidationError({"cover": "The uploaded file is empty."})
    if len(data) > MAX_BYTES:
        raise ValidationError({"cover": "Cover images can be at most 5 MB."})
    image = _open_verified(data)
    fmt = image.format or "PNG"
    encoded = _reencode(image, fmt)
    name = f"{uuid.uuid4().hex}.{FORMATS[fmt][0]}"
    target = Path(folder) / "covers"
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(encoded)
    return name


def remove_cover(name: str | None, folder: str | Path) -> None:
    """Delete a stored cover file if it exists."""
    if name:
        (Path(folder) / "covers" / Path(name).name).unlink(missing_ok=True)
