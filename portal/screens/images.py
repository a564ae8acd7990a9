"""Screen images: validated and re-encoded exactly like cover images, stored in their own folder."""

from __future__ import annotations

import io
import re
import shutil
import uuid
from pathlib import Path
from typing import IO

from PIL import Image

from portal.errors import ValidationError
from portal.prototypes.covers import FORMATS, MAX_BYTES, MIMETYPES, _open_verified, _reencode

SCREEN_NAME = re.compile(r"[0-9a-f]{32}\.(?:" + "|".join(MIMETYPES) + ")")
FOLDER = "screens"


def store_screen_image(stream: IO[bytes], folder: str | Path) -> tuple[str, int, int]:
    """Validate and store an uploaded screen image; return its file name, width and height in pixels."""
    data = stream.read(MAX_BYTES + 1)
    if not data:
        raise ValidationError({"image": "The uploaded file is empty."})
    if len(data) > MAX_BYTES:
        raise ValidationError({"image": "Screen images can be at most 5 MB."})
    try:
        image = _open_verified(data)
    except ValidationError as exc:  # the cover checks speak of "cover"; here the field is the image
        raise ValidationError({"image": next(iter(exc.errors.values()))}) from exc
    fmt = image.format or "PNG"
    encoded = _reencode(image, fmt)
    # The re-encoded size (wide images are scaled down) is what is stored and shown.
    with Image.open(io.BytesIO(encoded)) as stored:
        width, height = stored.size
    name = f"{uuid.uuid4().hex}.{FORMATS[fmt][0]}"
    target = Path(folder) / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    (target / name).write_bytes(encoded)
    return name, width, height


def copy_screen_image(name: str, folder: str | Path) -> str:
    """Copy a stored image under a new name, so two versions' screens never share (and delete) one file."""
    new_name = f"{uuid.uuid4().hex}.{name.rsplit('.', 1)[1]}"
    shutil.copyfile(Path(folder) / FOLDER / Path(name).name, Path(folder) / FOLDER / new_name)
    return new_name


def remove_screen_image(name: str | None, folder: str | Path) -> None:
    if name:
        (Path(folder) / FOLDER / Path(name).name).unlink(missing_ok=True)


def screen_folder(folder: str | Path) -> Path:
    return Path(folder) / FOLDER
