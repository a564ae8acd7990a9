"""Demo screen images drawn with Pillow at seed time (no binaries in the repository): UI screenshots of the reader
app and simple renders of the laptop's hardware."""

from __future__ import annotations

import io
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFont

INK, MUTED, PAPER, ACCENT = (28, 35, 48), (93, 104, 120), (250, 250, 247), (36, 84, 214)
CASE, CASE_DARK, SCREEN = (232, 110, 56), (176, 74, 32), (38, 44, 56)
COVERS = [(231, 111, 81), (42, 157, 143), (233, 196, 106), (38, 70, 83), (244, 162, 97), (106, 76, 147),
          (66, 133, 244), (219, 68, 55)]


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _canvas(width: int = 1200, height: int = 800, color=(255, 255, 255)) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (width, height), color)
    return image, ImageDraw.Draw(image)


def _app_bar(draw: ImageDraw.ImageDraw, title: str, width: int = 1200) -> None:
    draw.rectangle((0, 0, width, 84), fill=ACCENT)
    draw.text((36, 24), title, font=_font(32), fill="white")
    draw.rounded_rectangle((640, 20, 960, 64), radius=22, fill=(255, 255, 255))
    draw.text((664, 30), "Search books", font=_font(22), fill=MUTED)
    draw.rounded_rectangle((990, 20, 1164, 64), radius=10, fill=(27, 67, 176))
    draw.text((1012, 30), "+ Add books", font=_font(22), fill="white")


def reader_shelf() -> bytes:
    """The reader app's bookshelf: a grid of covers with progress bars and reading-group tabs."""
    image, draw = _canvas(color=PAPER)
    _app_bar(draw, "Kestrel Library")
    for n, tab in enumerate(["All books", "Group: Condors", "Group: Llamas", "Read aloud"]):
        x = 36 + n * 220
        draw.rounded_rectangle((x, 108, x + 200, 148), radius=20, fill=ACCENT if n == 0 else (228, 232, 240))
        draw.text((x + 22, 117), tab, font=_font(20), fill="white" if n == 0 else INK)
    titles = ["The Thirsty Crow", "Mama Panya", "Stars Over Lake", "Counting Goats", "The Rain Song",
              "Kito's Kite", "Big Red Boat", "Anansi Tales"]
    for n, title in enumerate(titles):
        col, row = n % 4, n // 4
        x, y = 36 + col * 288, 180 + row * 300
        draw.rounded_rectangle((x, y, x + 256, y + 200), radius=12, fill=COVERS[n])
        draw.text((x + 18, y + 150), title, font=_font(22), fill="white")
        draw.rounded_rectangle((x, y + 214, x + 256, y + 224), radius=5, fill=(222, 226, 232))
        draw.rounded_rectangle((x, y + 214, x + 40 + n * 27, y + 224), radius=5, fill=(27, 122, 75))
        draw.text((x, y + 234), f"{15 + n * 10}% read", font=_font(18), fill=MUTED)
    return _png(image)


def reader_page() -> bytes:
    """A page being read, with the read-aloud toolbar and the text size buttons."""
    image, draw = _canvas(color=PAPER)
    draw.rectangle((0, 0, 1200, 84), fill=(255, 255, 255))
    draw.line((0, 84, 1200, 84), fill=(226, 230, 236), width=2)
    draw.polygon([(40, 42), (58, 28), (58, 56)], fill=INK)
    draw.text((76, 26), "The Thirsty Crow", font=_font(30), fill=INK)
    for n, label in enumerate(["A-", "A+", "Aa"]):
        draw.rounded_rectangle((930 + n * 80, 18, 995 + n * 80, 66), radius=10, outline=(207, 213, 222), width=2)
        draw.text((948 + n * 80, 28), label, font=_font(24), fill=INK)
    draw.rounded_rectangle((160, 120, 1040, 640), radius=16, fill=(255, 255, 255), outline=(226, 230, 236), width=2)
    lines = ["A crow was very thirsty. It looked", "everywhere for water. At last it found",
             "a pot with a little water at the bottom.", "The crow could not reach it, so it",
             "dropped pebbles into the pot, one by", "one, until the water rose to the top."]
    for n, line in enumerate(lines):
        draw.text((220, 170 + n * 70), line, font=_font(34), fill=INK)
    draw.rounded_rectangle((214, 168, 322, 214), radius=6, outline=(233, 196, 106), width=3)
    draw.rounded_rectangle((0, 680, 1200, 800), radius=0, fill=(255, 255, 255))
    draw.ellipse((560, 694, 652, 786), fill=ACCENT)
    draw.polygon([(594, 718), (594, 762), (630, 740)], fill="white")
    draw.text((80, 725), "Page 3 of 12", font=_font(24), fill=MUTED)
    draw.rounded_rectangle((860, 716, 1120, 764), radius=24, fill=(228, 232, 240))
    draw.text((890, 728), "Read aloud: on", font=_font(22), fill=INK)
    return _png(image)


def _laptop(draw: ImageDraw.ImageDraw, *, bezel: int, sensor: tuple[int, int]) -> None:
    draw.rounded_rectangle((180, 60, 1020, 560), radius=28, fill=CASE, outline=CASE_DARK, width=4)
    draw.rounded_rectangle((180 + bezel, 60 + bezel, 1020 - bezel, 560 - bezel - 20), radius=8, fill=SCREEN)
    draw.rectangle((180 + bezel + 30, 60 + bezel + 30, 600, 60 + bezel + 80), fill=(70, 80, 96))
    for n in range(4):
        draw.rounded_rectangle((180 + bezel + 30 + n * 150, 200, 180 + bezel + 150 + n * 150, 330), radius=8,
                               fill=COVERS[n])
    draw.ellipse((sensor[0] - 9, sensor[1] - 9, sensor[0] + 9, sensor[1] + 9), fill=(20, 20, 24))
    draw.polygon([(120, 720), (1080, 720), (1020, 560), (180, 560)], fill=CASE, outline=CASE_DARK)
    for row in range(4):
        for col in range(12):
            x = 232 + col * 62 + row * 8
            y = 578 + row * 34
            draw.rounded_rectangle((x, y, x + 52, y + 26), radius=5, fill=(54, 58, 66))
    draw.rounded_rectangle((480, 700, 720, 716), radius=6, fill=CASE_DARK)


def laptop_front(version: int = 1) -> bytes:
    """The laptop, open, from the front: v0.4 with a deep bezel, v0.5 slimmer with the light sensor moved."""
    image, draw = _canvas(color=(236, 240, 245))
    draw.ellipse((100, 700, 1100, 780), fill=(214, 219, 226))
    _laptop(draw, bezel=44 if version == 1 else 26, sensor=(600, 82) if version == 1 else (960, 76))
    draw.text((40, 24), f"Kestrel laptop · sunlight screen {'v0.4' if version == 1 else 'v0.5'} · front",
              font=_font(24), fill=MUTED)
    return _png(image)


def keyboard_top() -> bytes:
    """The rugged keyboard from above, with the sealed membrane and the Aymara key row."""
    image, draw = _canvas(color=(236, 240, 245))
    draw.rounded_rectangle((60, 120, 1140, 700), radius=36, fill=CASE, outline=CASE_DARK, width=4)
    draw.rounded_rectangle((110, 170, 1090, 560), radius=18, fill=(44, 48, 56))
    letters = ["1234567890'¿", "QWERTYUIOP´+", "ASDFGHJKLÑ{}", "ZXCVBNM,.-ÄÜ"]
    for row, keys in enumerate(letters):
        for col, key in enumerate(keys):
            x, y = 140 + col * 78 + row * 14, 196 + row * 86
            draw.rounded_rectangle((x, y, x + 66, y + 68), radius=8, fill=(70, 75, 86))
            draw.text((x + 22, y + 18), key, font=_font(26), fill="white")
    draw.rounded_rectangle((380, 580, 820, 660), radius=14, fill=(214, 96, 44), outline=CASE_DARK, width=3)
    draw.text((40, 40), "Rugged keyboard v1.0 · from above", font=_font(24), fill=MUTED)
    return _png(image)


def crank_side() -> bytes:
    """The hand-crank power unit from the side: body, crank arm, handle and the output port."""
    image, draw = _canvas(color=(236, 240, 245))
    draw.ellipse((200, 690, 1000, 760), fill=(214, 219, 226))
    draw.rounded_rectangle((240, 300, 860, 700), radius=40, fill=(60, 120, 90), outline=(34, 84, 60), width=5)
    draw.ellipse((470, 390, 630, 550), fill=(34, 84, 60))
    draw.ellipse((520, 440, 580, 500), fill=(200, 205, 210))
    draw.line((550, 470, 840, 210), fill=(120, 126, 134), width=26)
    draw.rounded_rectangle((800, 120, 880, 260), radius=30, fill=(30, 30, 34))
    draw.rounded_rectangle((290, 620, 350, 650), radius=6, fill=(20, 20, 24))
    for n in range(5):
        draw.rounded_rectangle((660 + n * 30, 600, 676 + n * 30, 660), radius=4, fill=(34, 84, 60))
    draw.text((40, 40), "Hand-crank power unit v0.1 · side", font=_font(24), fill=MUTED)
    return _png(image)


DRAWINGS: dict[str, Callable[[], bytes]] = {
    "reader_shelf": reader_shelf, "reader_page": reader_page, "laptop_v1": lambda: laptop_front(1),
    "laptop_v2": lambda: laptop_front(2), "keyboard_top": keyboard_top, "crank_side": crank_side,
}
