"""Draws Herstelpad's app icons (static/icons/*.png) from the shapes of
static/icons/favicon.svg: a blue tile with a white path going down to a dot, the
course of back pain getting less. Run once after changing the shapes:

    .venv/bin/python docs/icons.py
"""

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "static" / "icons"
BLUE, WHITE = (10, 88, 202, 255), (255, 255, 255, 255)


def bezier(p0, p1, p2, p3, steps=200):
    for i in range(steps + 1):
        t = i / steps
        yield tuple(
            (1 - t) ** 3 * a + 3 * (1 - t) ** 2 * t * b + 3 * (1 - t) * t**2 * c + t**3 * d
            for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
        )


def draw(size: int, *, padding: float = 0.0, rounded: bool = True) -> Image.Image:
    """The icon at ``size`` pixels; ``padding`` (a fraction) keeps the path inside
    the safe zone of a maskable icon, which fills the whole square."""
    scale = 4  # drawn large, then reduced: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    radius = big * 14 / 64 if rounded else 0
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=BLUE)
    inner = big * (1 - 2 * padding)
    offset = big * padding

    def at(x, y):
        return (offset + x / 64 * inner, offset + y / 64 * inner)

    width = 7 / 64 * inner
    for x, y in bezier(at(14, 16), at(24, 18), at(26, 46), at(50, 47)):
        pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=WHITE)
    x, y = at(50, 47)
    dot = 6.5 / 64 * inner
    pen.ellipse((x - dot, y - dot, x + dot, y + dot), fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    ICONS.mkdir(parents=True, exist_ok=True)
    draw(32).save(ICONS / "favicon-32.png")
    draw(180, rounded=False).convert("RGB").save(ICONS / "apple-touch-icon.png")
    draw(192).save(ICONS / "icon-192.png")
    draw(512).save(ICONS / "icon-512.png")
    draw(512, padding=0.12, rounded=False).save(ICONS / "icon-maskable-512.png")
