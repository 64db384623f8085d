"""Generated dialogue pages with known speakers: figures in costume, balloons whose tails point at them.

Used by the speaker-suggestion tests and ``benchmarks/speakers.py``. Each page has two panels;
each panel shows two or three of an episode's cast (same shirt colour all episode long, shuffled
places) talking in balloons placed along the top, not necessarily above the speaker, so a
"nearest figure" guess is often wrong. Most balloons have a tail ending short of the speaker's
head; some have none (then only the dialogue's alternation can tell). Deterministic per seed.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

CAST = {"Lin": (40, 90, 200), "Zhou": (200, 40, 40), "Agent": (40, 150, 60), "Su": (230, 160, 20)}
WALLS = [(205, 215, 230), (215, 225, 215), (225, 225, 235), (200, 210, 205)]
SKIN = (238, 196, 160)
INK = (20, 20, 20)
WIDTH, PANEL_H = 1000, 700


def _figure(d: ImageDraw.ImageDraw, x: float, ground: float, shirt, rng: random.Random) -> tuple[float, float, float]:
    r = rng.uniform(34, 44)
    height = rng.uniform(5.2, 6.2) * r
    hy = ground - height
    d.rectangle([x - 1.4 * r, hy + r * 1.1, x + 1.4 * r, ground], fill=shirt, outline=INK, width=3)
    d.ellipse([x - r, hy - r, x + r, hy + r], fill=SKIN, outline=INK, width=3)
    d.chord([x - r, hy - r, x + r, hy + r * 0.2], 180, 360, fill=INK)  # hair
    d.ellipse([x - r * 0.45, hy, x - r * 0.25, hy + r * 0.25], fill=INK)
    d.ellipse([x + r * 0.25, hy, x + r * 0.45, hy + r * 0.25], fill=INK)
    return x, hy, r


def _balloon(d: ImageDraw.ImageDraw, cx, cy, a, b, tail, rng: random.Random) -> tuple[int, int, int, int]:
    if tail is not None:
        tx, ty = tail
        ang = math.atan2(ty - cy, tx - cx)
        base = []
        for da in (-0.22, 0.22):
            u = ang + da
            rr = 1.0 / math.sqrt((math.cos(u) / a) ** 2 + (math.sin(u) / b) ** 2)
            base.append((cx + 0.8 * rr * math.cos(u), cy + 0.8 * rr * math.sin(u)))
        d.polygon([base[0], (tx, ty), base[1]], fill=(255, 255, 255), outline=INK, width=3)
    d.ellipse([cx - a, cy - b, cx + a, cy + b], fill=(255, 255, 255), outline=INK, width=3)
    if tail is not None:  # the body's outline must not cut the tail off
        d.polygon([base[0], (tx, ty), base[1]], fill=(255, 255, 255))
        d.line([base[0], (tx, ty), base[1]], fill=INK, width=3)
    tw, th = a * 1.1, b * 0.9  # text: rows of glyph-like ink blocks
    rows = max(1, int(th // 26))
    for row in range(rows):
        y = cy - th / 2 + row * 26 + 4
        x = cx - tw / 2
        while x < cx + tw / 2 - 18:
            d.rectangle([x, y, x + 16, y + 18], outline=INK, width=2)
            d.line([x + 3, y + 9, x + 13, y + 9], fill=INK, width=2)
            x += 22
    return int(cx - tw / 2), int(cy - th / 2), int(tw), int(th)


def _cross(a, b, other) -> bool:
    c, d = other

    def side(p, q, r):
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def make_page(seed: int, cast: list[str] | None = None) -> tuple[Image.Image, list[dict]]:
    """A page of two panels and its truth: per panel its bbox, figures and balloons in reading order."""
    rng = random.Random(seed)
    names = cast or list(CAST)
    page = Image.new("RGB", (WIDTH, 2 * PANEL_H), (255, 255, 255))
    d = ImageDraw.Draw(page)
    truth = []
    for p in range(2):
        top = p * PANEL_H
        d.rectangle([8, top + 8, WIDTH - 8, top + PANEL_H - 8], fill=rng.choice(WALLS), outline=INK, width=5)
        d.rectangle([12, top + PANEL_H - 150, WIDTH - 12, top + PANEL_H - 12], fill=(175, 165, 150))
        present = rng.sample(names, 3 if rng.random() < 0.3 else 2)
        slots = sorted(rng.sample([180, 500, 820], len(present))) if len(present) == 3 else \
            sorted(rng.sample([220, 480, 760], 2))
        figures = []
        for name, x in zip(present, slots):
            fx, hy, r = _figure(d, x + rng.uniform(-40, 40), top + PANEL_H - rng.uniform(40, 90), CAST[name], rng)
            figures.append({"name": name, "head": (fx, hy), "radius": r})
        talkers = rng.sample(present, 2)
        speakers, balloons = [], []
        for i in range(rng.choice([2, 3, 3, 4])):
            speaker = talkers[i % 2] if rng.random() < 0.85 else rng.choice(present)
            speakers.append(speaker)
        count = len(speakers)
        for i, speaker in enumerate(speakers):
            fig = next(f for f in figures if f["name"] == speaker)
            a, b = rng.uniform(95, 130), rng.uniform(55, 70)
            cx = (i + 0.5) * (WIDTH / count) + rng.uniform(-30, 30)
            cx = min(max(cx, a + 30), WIDTH - a - 30)
            cy = top + 40 + b + (i % 2) * rng.uniform(20, 70)
            tail = None
            if rng.random() < 0.85:
                hx, hy = fig["head"]
                dist = math.hypot(hx - cx, hy - cy)
                stop = fig["radius"] + rng.uniform(25, 60)
                reach = max(0.0, dist - stop) / dist
                tail = (cx + (hx - cx) * reach, cy + (hy - cy) * reach)
                if math.hypot(tail[0] - cx, tail[1] - cy) < b * 1.4 or any(
                        _cross((cx, cy), tail, (o["at"], o["tail"])) for o in balloons if o["tail"]):
                    tail = None  # too short to draw, or it would cut another tail (artists avoid both)
            box = _balloon(d, cx, cy, a, b, tail, rng)
            balloons.append({"bbox": box, "speaker": speaker, "tail": tail, "at": (cx, cy)})
        truth.append({"bbox": (8, top + 8, WIDTH - 16, PANEL_H - 16), "figures": figures, "balloons": balloons})
    return page, truth
