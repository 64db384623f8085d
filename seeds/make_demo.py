#!/usr/bin/env python3
"""Draw the demo episodes of "The Secret Special Investigation Division (demo)".

Original, deliberately simple flat-colour art (CC0-1.0) with Chinese speech balloons
(horizontal and vertical), caption boxes and a little English, plus a ground-truth file
in the corpus truth format (panels and balloons in reading order).

    python seeds/make_demo.py [--out seeds/demo]

Everything is deterministic (fixed seeds, no clocks): two runs give byte-identical
PNG, JSON and YAML files. Needs Pillow, numpy, PyYAML and the Noto CJK fonts
(Debian/Ubuntu: apt-get install fonts-noto-cjk).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys

import numpy as np
import yaml
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SEED = 20240415  # National Security Education Day; any fixed number would do
LICENSE = "CC0-1.0 (original demo art, free to use)"

# --------------------------------------------------------------------------- fonts
FONT_DIRS = [
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/local/share/fonts",
    os.path.expanduser("~/.local/share/fonts"),
    "/Library/Fonts",
    "/System/Library/Fonts",
]
# (file, face index of the Simplified Chinese face inside the .ttc)
FONT_FILES = {
    "sans": ("NotoSansCJK-Regular.ttc", 2),
    "sans_bold": ("NotoSansCJK-Bold.ttc", 2),
    "serif_bold": ("NotoSerifCJK-Bold.ttc", 2),
}
_font_cache: dict = {}


def font(kind: str, size: int) -> ImageFont.FreeTypeFont:
    key = (kind, size)
    if key not in _font_cache:
        name, index = FONT_FILES[kind]
        for d in FONT_DIRS:
            path = os.path.join(d, name)
            if os.path.exists(path):
                _font_cache[key] = ImageFont.truetype(path, size, index=index)
                break
        else:
            sys.exit(f"make_demo.py: font {name} not found in {FONT_DIRS}; "
                     "install the Noto CJK fonts (apt-get install fonts-noto-cjk)")
    return _font_cache[key]


def check_glyphs(text: str, f: ImageFont.FreeTypeFont) -> None:
    """Stop if a character would render as a missing-glyph box (tofu)."""
    def glyph(ch):
        im = Image.new("L", (f.size * 3, f.size * 3), 0)
        ImageDraw.Draw(im).text((f.size, f.size), ch, font=f, fill=255)
        return im.tobytes()

    tofu = glyph("\U0010fffd")
    for ch in sorted(set(text)):
        if ch.isspace():
            continue
        if glyph(ch) == tofu:
            sys.exit(f"make_demo.py: font has no glyph for {ch!r} in {text!r}")


# --------------------------------------------------------------------------- colours
INK = (28, 28, 34)
WHITE = (255, 255, 255)
SKIN = (246, 212, 178)
SKIN2 = (226, 182, 140)
SKY = (170, 214, 236)
SKY_DAWN = (250, 214, 170)
NIGHT = (24, 34, 66)
NIGHT2 = (40, 52, 92)
MOUNT1 = (112, 150, 120)
MOUNT2 = (84, 124, 98)
MOUNT3 = (60, 98, 78)
ROCK = (150, 140, 128)
GRASS = (150, 190, 110)
EARTH = (176, 150, 110)
WOOD = (132, 88, 52)
BLUE = (52, 104, 176)
RED = (200, 60, 54)
KHAKI = (196, 176, 120)
ORANGE = (240, 140, 40)
GREY = (120, 124, 132)
DARK = (52, 56, 64)
WALL = (226, 222, 208)
FLOOR = (176, 160, 136)
MAPGREEN = (206, 228, 190)
YELLOW = (244, 204, 70)
CAPTION = (255, 243, 196)
STRIP_BG = (236, 243, 238)


def jit(rng, c, k=10):
    return tuple(max(0, min(255, v + rng.randint(-k, k))) for v in c)


# --------------------------------------------------------------------------- art
class Art:
    """Drawing helpers in panel-local pixel coordinates."""

    def __init__(self, img: Image.Image, rng: random.Random):
        self.img = img
        self.d = ImageDraw.Draw(img)
        self.w, self.h = img.size
        self.rng = rng
        self.lw = max(2, round(min(self.w, self.h) / 160))

    # backgrounds -----------------------------------------------------------
    def fill(self, c):
        self.d.rectangle([0, 0, self.w, self.h], fill=c)

    def sky(self, c=SKY, sun=None):
        self.fill(c)
        if sun:
            x, y, r, col = sun
            self.d.ellipse([x - r, y - r, x + r, y + r], fill=col)

    def cloud(self, x, y, s):
        for dx, dy, r in ((0, 0, 0.5), (0.45, -0.2, 0.45), (0.9, 0, 0.42), (0.45, 0.1, 0.5)):
            cx, cy, rr = x + dx * s, y + dy * s, r * s
            self.d.ellipse([cx - rr, cy - rr * 0.6, cx + rr, cy + rr * 0.6], fill=WHITE)

    def mountains(self, base, peaks, colour, snow=False):
        """peaks: list of (x, height) in px; a ridge polygon down to the base line."""
        pts = [(-10, base)]
        prev = None
        for x, ht in peaks:
            if prev is not None:  # a valley between two peaks
                pts.append(((prev[0] + x) / 2, base - min(prev[1], ht) * 0.45))
            pts.append((x, base - ht))
            prev = (x, ht)
        pts.append((self.w + 10, base))
        pts.append((self.w + 10, self.h + 10))
        pts.append((-10, self.h + 10))
        self.d.polygon(pts, fill=colour, outline=INK)
        if snow:
            for x, ht in peaks:
                if ht > 0.25 * self.h:
                    top = (x, base - ht)
                    self.d.polygon([top, (x - ht * 0.18, base - ht * 0.8), (x - ht * 0.05, base - ht * 0.85),
                                    (x + ht * 0.06, base - ht * 0.78), (x + ht * 0.18, base - ht * 0.82)],
                                   fill=(245, 245, 250))

    def ground(self, y, c=GRASS):
        self.d.rectangle([-5, y, self.w + 5, self.h + 5], fill=c, outline=INK, width=self.lw)

    def tree(self, x, y, s, c=(70, 130, 80)):
        self.d.rectangle([x - s * 0.05, y - s * 0.3, x + s * 0.05, y], fill=WOOD)
        for i in range(3):
            top = y - s + i * s * 0.22
            wid = s * (0.22 + 0.1 * i)
            self.d.polygon([(x, top), (x - wid, top + s * 0.42), (x + wid, top + s * 0.42)],
                           fill=c, outline=INK)

    def rock(self, x, y, s, c=ROCK):
        self.d.polygon([(x - s, y), (x - s * 0.7, y - s * 0.6), (x - s * 0.1, y - s * 0.8),
                        (x + s * 0.6, y - s * 0.55), (x + s, y)], fill=c, outline=INK, width=self.lw)

    def landscape(self, horizon=0.62, dawn=False, snow=True, trees=3):
        w, h, rng = self.w, self.h, self.rng
        self.sky(SKY_DAWN if dawn else SKY, sun=(w * 0.82, h * 0.18, min(w, h) * 0.07,
                                                 (255, 236, 150)))
        self.cloud(w * 0.12, h * 0.15, min(w, h) * 0.16)
        base = h * horizon
        far = [(w * f, h * rng.uniform(0.25, 0.45)) for f in (0.1, 0.33, 0.55, 0.78, 0.96)]
        self.mountains(base, far, MOUNT1, snow=snow)
        near = [(w * f, h * rng.uniform(0.1, 0.2)) for f in (0.0, 0.25, 0.5, 0.7, 1.0)]
        self.mountains(base + h * 0.08, near, MOUNT2)
        self.ground(base + h * 0.1)
        for i in range(trees):
            self.tree(w * (0.06 + 0.9 * rng.random()), base + h * 0.1, h * rng.uniform(0.12, 0.2))

    def room(self, c=WALL, floor=0.75):
        self.fill(c)
        self.d.rectangle([-5, self.h * floor, self.w + 5, self.h + 5], fill=FLOOR, outline=INK,
                         width=self.lw)

    # people ------------------------------------------------------------------
    def person(self, x, y, s, shirt=BLUE, pants=DARK, hair=INK, face=1, pose="down",
               backpack=None, cap=None, glasses=False, vest=None, ponytail=False, skin=SKIN,
               item=None):
        d, lw = self.d, self.lw
        r = s * 0.09
        hy = y - s + r
        ny = y - s + 2 * r
        sh = ny + s * 0.03
        hip = y - s * 0.45
        if backpack:
            bx = x - face * s * 0.13
            d.rounded_rectangle([bx - s * 0.1, sh, bx + s * 0.1, hip - s * 0.02], radius=s * 0.04,
                                fill=backpack, outline=INK, width=lw)
        legw = max(3, int(s * 0.07))
        for side in (-1, 1):
            d.line([(x + side * s * 0.05, hip), (x + side * s * 0.08, y - s * 0.03)], fill=pants,
                   width=legw)
            d.ellipse([x + side * s * 0.08 - s * 0.05 + face * s * 0.02, y - s * 0.05,
                       x + side * s * 0.08 + s * 0.05 + face * s * 0.02, y], fill=INK)
        d.polygon([(x - s * 0.12, sh), (x + s * 0.12, sh), (x + s * 0.1, hip), (x - s * 0.1, hip)],
                  fill=shirt, outline=INK, width=lw)
        if vest:
            d.polygon([(x - s * 0.11, sh + s * 0.02), (x + s * 0.11, sh + s * 0.02),
                       (x + s * 0.095, hip - s * 0.03), (x - s * 0.095, hip - s * 0.03)], fill=vest,
                      outline=INK)
            d.line([(x - s * 0.1, sh + s * 0.14), (x + s * 0.1, sh + s * 0.14)], fill=(235, 235, 235),
                   width=max(2, int(s * 0.02)))
        armw = max(3, int(s * 0.055))
        hands = {
            "down": [(-1, 0.16, 0.3), (1, 0.16, 0.3)],
            "point": [(-face, 0.15, 0.3), (face, 0.34, 0.06)],
            "up": [(-face, 0.15, 0.3), (face, 0.2, -0.2)],
            "phone": [(-face, 0.15, 0.3), (face, 0.06, -0.08)],
            "give": [(-face, 0.15, 0.3), (face, 0.32, 0.16)],
            "binoculars": [(-1, 0.06, -0.02), (1, 0.06, -0.02)],
        }[pose]
        hand_pts = []
        for side, dx, dy in hands:
            hx, hyy = x + side * s * dx, sh + s * 0.27 + s * dy * 1.0 - s * 0.05 + (
                s * 0.05 if pose == "down" else 0)
            if pose in ("phone", "binoculars"):
                hyy = hy + s * 0.02 if (pose == "binoculars" or side == face) else hyy
                if pose == "phone" and side == face:
                    hx = x + face * r * 1.05
            d.line([(x + side * s * 0.11, sh + s * 0.02), (hx, hyy)], fill=shirt, width=armw)
            d.ellipse([hx - s * 0.03, hyy - s * 0.03, hx + s * 0.03, hyy + s * 0.03], fill=skin,
                      outline=INK)
            hand_pts.append((hx, hyy, side))
        if ponytail:
            d.ellipse([x - face * r * 1.5 - r * 0.45, hy - r * 0.2, x - face * r * 1.5 + r * 0.45,
                       hy + r * 1.1], fill=hair, outline=INK)
        d.ellipse([x - r, hy - r, x + r, hy + r], fill=skin, outline=INK, width=lw)
        d.chord([x - r, hy - r, x + r, hy + r * 0.6], 180, 360, fill=hair, outline=INK)
        if cap:
            d.chord([x - r * 1.05, hy - r * 1.1, x + r * 1.05, hy + r * 0.3], 180, 360, fill=cap,
                    outline=INK)
            vx0, vx1 = sorted((x + face * r * 0.3, x + face * r * 1.6))
            d.rectangle([vx0, hy - r * 0.25, vx1, hy - r * 0.08], fill=cap, outline=INK)
        ex = x + face * r * 0.35
        if glasses:
            d.rectangle([ex - r * 0.55, hy - r * 0.15, ex + r * 0.55, hy + r * 0.2], fill=INK)
        else:
            for k in (-0.22, 0.28):
                d.ellipse([ex + k * r - r * 0.09, hy - r * 0.05, ex + k * r + r * 0.09, hy + r * 0.15],
                          fill=INK)
        if pose == "binoculars":
            bx0, bx1 = sorted((x + face * r * 0.1, x + face * r * 1.3))
            d.rectangle([bx0, hy - r * 0.15, bx1, hy + r * 0.3], fill=INK)
        if item == "envelope" and hand_pts:
            hx, hyy, _ = hand_pts[-1]
            self.envelope(hx, hyy, s * 0.16)
        if item == "phone":
            d.rounded_rectangle([x + face * r * 0.9 - r * 0.25, hy - r * 0.4, x + face * r * 0.9 + r * 0.25,
                                 hy + r * 0.5], radius=3, fill=INK)
        return hy, r

    def envelope(self, x, y, s):
        d = self.d
        d.rectangle([x - s * 0.5, y - s * 0.32, x + s * 0.5, y + s * 0.32], fill=(214, 40, 40),
                    outline=INK, width=self.lw)
        d.rectangle([x - s * 0.35, y - s * 0.5, x + s * 0.3, y - s * 0.3], fill=(236, 196, 160),
                    outline=INK)
        d.ellipse([x - s * 0.12, y - s * 0.12, x + s * 0.12, y + s * 0.12], fill=YELLOW)

    def face(self, cx, cy, r, hair=INK, glasses=False, mood="calm", skin=SKIN, shirt=BLUE,
             cap=None, sweat=False, headset=False):
        d, lw = self.d, self.lw + 1
        d.polygon([(cx - r * 1.6, self.h + 5), (cx - r * 1.3, cy + r * 1.2), (cx + r * 1.3, cy + r * 1.2),
                   (cx + r * 1.6, self.h + 5)], fill=shirt, outline=INK, width=lw)
        d.rectangle([cx - r * 0.3, cy + r * 0.8, cx + r * 0.3, cy + r * 1.25], fill=skin, outline=INK)
        d.ellipse([cx - r, cy - r * 1.1, cx + r, cy + r], fill=skin, outline=INK, width=lw)
        d.chord([cx - r * 1.02, cy - r * 1.15, cx + r * 1.02, cy + r * 0.2], 180, 360, fill=hair,
                outline=INK, width=lw)
        if cap:
            d.chord([cx - r * 1.06, cy - r * 1.35, cx + r * 1.06, cy - r * 0.25], 180, 360, fill=cap,
                    outline=INK, width=lw)
            d.rectangle([cx - r * 0.2, cy - r * 0.86, cx + r * 1.4, cy - r * 0.74], fill=cap, outline=INK)
        if glasses:
            d.rounded_rectangle([cx - r * 0.75, cy - r * 0.12, cx + r * 0.75, cy + r * 0.25], radius=r * 0.1,
                                fill=INK)
        else:
            for sx in (-0.38, 0.38):
                d.ellipse([cx + sx * r - r * 0.1, cy - r * 0.05, cx + sx * r + r * 0.1, cy + r * 0.15],
                          fill=INK)
                tilt = {"calm": 0, "angry": 0.12, "worried": -0.12}[mood] * (1 if sx < 0 else -1)
                d.line([(cx + sx * r - r * 0.2, cy - r * 0.2 - tilt * r), (cx + sx * r + r * 0.2,
                                                                             cy - r * 0.2 + tilt * r)],
                       fill=INK, width=lw)
        if mood == "worried":
            d.arc([cx - r * 0.3, cy + r * 0.45, cx + r * 0.3, cy + r * 0.85], 200, 340, fill=INK, width=lw)
        else:
            d.line([(cx - r * 0.25, cy + r * 0.55), (cx + r * 0.25, cy + r * 0.55)], fill=INK, width=lw)
        if sweat:
            d.polygon([(cx + r * 1.15, cy - r * 0.5), (cx + r * 1.05, cy - r * 0.2), (cx + r * 1.25, cy - r * 0.2)],
                      fill=(150, 200, 240), outline=INK)
        if headset:
            d.arc([cx - r * 1.1, cy - r * 1.25, cx + r * 1.1, cy + r * 0.6], 180, 360, fill=INK, width=lw * 2)
            d.ellipse([cx - r * 1.2, cy - r * 0.3, cx - r * 0.85, cy + r * 0.3], fill=INK)
            d.line([(cx - r * 1.0, cy + r * 0.2), (cx - r * 0.3, cy + r * 0.7)], fill=INK, width=lw)

    # props -------------------------------------------------------------------
    def theodolite(self, x, y, s):
        d, lw = self.d, self.lw
        top = (x, y - s * 0.75)
        for fx in (-0.28, 0.0, 0.28):
            d.line([top, (x + fx * s, y)], fill=(200, 160, 60), width=max(3, int(s * 0.03)))
            d.line([top, (x + fx * s, y)], fill=INK, width=1)
        d.rectangle([x - s * 0.1, y - s * 0.8, x + s * 0.1, y - s * 0.74], fill=DARK, outline=INK)
        d.rounded_rectangle([x - s * 0.09, y - s * 1.0, x + s * 0.09, y - s * 0.8], radius=s * 0.02,
                            fill=YELLOW, outline=INK, width=lw)
        d.rectangle([x - s * 0.16, y - s * 0.97, x + s * 0.16, y - s * 0.9], fill=DARK, outline=INK)
        d.ellipse([x + s * 0.13, y - s * 0.99, x + s * 0.19, y - s * 0.88], fill=(120, 200, 240), outline=INK)

    def drone(self, x, y, s):
        d, lw = self.d, self.lw
        for sx in (-1, 1):
            d.line([(x, y), (x + sx * s * 0.4, y - s * 0.08)], fill=DARK, width=max(4, int(s * 0.03)))
            rx = x + sx * s * 0.4
            d.ellipse([rx - s * 0.16, y - s * 0.13, rx + s * 0.16, y - s * 0.05], fill=(200, 210, 220), outline=INK)
        d.rounded_rectangle([x - s * 0.14, y - s * 0.06, x + s * 0.14, y + s * 0.06], radius=s * 0.03, fill=WHITE,
                            outline=INK, width=lw)
        d.ellipse([x - s * 0.04, y + s * 0.04, x + s * 0.04, y + s * 0.12], fill=INK)

    def flag(self, x, y, s, c=RED):
        self.d.line([(x, y), (x, y - s)], fill=INK, width=self.lw)
        self.d.polygon([(x, y - s), (x + s * 0.4, y - s * 0.88), (x, y - s * 0.76)], fill=c, outline=INK)

    def box(self, x, y, s, c=(150, 120, 80), open_=False, rocks=False):
        d, lw = self.d, self.lw
        d.rectangle([x - s * 0.5, y - s * 0.55, x + s * 0.5, y], fill=c, outline=INK, width=lw)
        d.line([(x - s * 0.5, y - s * 0.4), (x + s * 0.5, y - s * 0.4)], fill=INK, width=lw)
        if open_:
            d.polygon([(x - s * 0.5, y - s * 0.55), (x - s * 0.7, y - s * 0.8), (x + s * 0.3, y - s * 0.8),
                       (x + s * 0.5, y - s * 0.55)], fill=(120, 96, 64), outline=INK)
        if rocks:
            for i, fx in enumerate((-0.3, -0.05, 0.2, 0.38)):
                rr = s * (0.13 + 0.03 * (i % 2))
                d.ellipse([x + fx * s - rr, y - s * 0.62 - rr, x + fx * s + rr, y - s * 0.62 + rr * 0.7],
                          fill=(180, 120, 150) if i % 2 else (150, 150, 160), outline=INK)

    def sample_bag(self, x, y, s):
        self.d.polygon([(x - s * 0.3, y), (x - s * 0.25, y - s * 0.6), (x + s * 0.25, y - s * 0.6),
                        (x + s * 0.3, y)], fill=(236, 236, 226), outline=INK, width=self.lw)
        self.d.rectangle([x - s * 0.15, y - s * 0.4, x + s * 0.15, y - s * 0.25], fill=YELLOW, outline=INK)

    def vehicle(self, x, y, s, c=WHITE, face=1, pickup=False, lights=False):
        """x = centre, y = ground line, s = length."""
        d, lw = self.d, self.lw
        h = s * 0.32
        body = [x - s * 0.5, y - h * 0.95, x + s * 0.5, y - h * 0.2]
        if lights:
            hx = x + face * s * 0.5
            d.polygon([(hx, y - h * 0.75), (hx + face * s * 1.2, y - h * 1.6), (hx + face * s * 1.2, y + h * 0.4)],
                      fill=(250, 236, 160))
        d.rounded_rectangle(body, radius=s * 0.04, fill=c, outline=INK, width=lw)
        if pickup:
            cab = [x + face * s * 0.05 - s * 0.2, y - h * 1.5, x + face * s * 0.05 + s * 0.25, y - h * 0.9]
            if face < 0:
                cab = [x - s * 0.3, y - h * 1.5, x + s * 0.15, y - h * 0.9]
        else:
            cab = [x - s * 0.35, y - h * 1.55, x + s * 0.3, y - h * 0.9]
        d.rounded_rectangle(cab, radius=s * 0.05, fill=c, outline=INK, width=lw)
        d.rectangle([cab[0] + s * 0.04, cab[1] + h * 0.12, cab[2] - s * 0.04, cab[3] - h * 0.06],
                    fill=(160, 200, 225), outline=INK)
        for wx in (-0.3, 0.3):
            rr = s * 0.1
            d.ellipse([x + wx * s - rr, y - rr * 1.6, x + wx * s + rr, y + rr * 0.4], fill=INK)
            d.ellipse([x + wx * s - rr * 0.45, y - rr * 1.05, x + wx * s + rr * 0.45, y - rr * 0.15],
                      fill=GREY)
        hx = x + face * s * 0.47
        d.ellipse([hx - s * 0.03, y - h * 0.8, hx + s * 0.03, y - h * 0.6], fill=YELLOW, outline=INK)

    def mine(self, x, y, s):
        d, lw = self.d, self.lw
        d.polygon([(x - s * 1.3, y), (x - s * 0.7, y - s * 0.9), (x + s * 0.1, y - s * 1.15),
                   (x + s * 0.9, y - s * 0.8), (x + s * 1.4, y)], fill=(140, 120, 100), outline=INK, width=lw)
        d.rectangle([x - s * 0.32, y - s * 0.5, x + s * 0.32, y], fill=(20, 18, 22))
        d.pieslice([x - s * 0.32, y - s * 0.82, x + s * 0.32, y - s * 0.18], 180, 360, fill=(20, 18, 22))
        tw = max(4, int(s * 0.07))
        d.line([(x - s * 0.36, y), (x - s * 0.36, y - s * 0.55)], fill=WOOD, width=tw)
        d.line([(x + s * 0.36, y), (x + s * 0.36, y - s * 0.55)], fill=WOOD, width=tw)
        d.line([(x - s * 0.45, y - s * 0.55), (x + s * 0.45, y - s * 0.55)], fill=WOOD, width=tw)
        for k in (-0.12, 0.12):
            d.line([(x + k * s, y - s * 0.02), (x + k * s * 3, y + s * 0.35)], fill=GREY, width=max(2, lw))
        d.rectangle([x + s * 0.6, y - s * 0.45, x + s * 1.0, y - s * 0.25], fill=WHITE, outline=INK, width=lw)
        d.line([(x + s * 0.8, y - s * 0.25), (x + s * 0.8, y)], fill=WOOD, width=max(3, lw))
        for k in range(3):
            d.line([(x + s * 0.65, y - s * (0.41 - 0.055 * k)), (x + s * 0.95, y - s * (0.41 - 0.055 * k))],
                   fill=RED, width=2)

    def map_board(self, x0, y0, x1, y1, pins=4):
        d, rng, lw = self.d, self.rng, self.lw
        d.rectangle([x0, y0, x1, y1], fill=MAPGREEN, outline=INK, width=lw + 2)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        w, h = x1 - x0, y1 - y0
        for k in range(5, 0, -1):
            f = k / 6
            d.ellipse([cx - w * 0.4 * f - w * 0.05, cy - h * 0.38 * f, cx + w * 0.35 * f, cy + h * 0.4 * f],
                      outline=(110, 150, 90), width=2)
        d.line([(x0 + w * 0.05, y1 - h * 0.1), (x0 + w * 0.3, cy), (cx, cy - h * 0.1), (x1 - w * 0.1, y0 + h * 0.2)],
               fill=(200, 80, 60), width=3)
        for i in range(pins):
            px = x0 + w * rng.uniform(0.15, 0.85)
            py = y0 + h * rng.uniform(0.15, 0.85)
            d.ellipse([px - 8, py - 8, px + 8, py + 8], fill=RED, outline=INK)

    def desk(self, y, x0, x1):
        self.d.rectangle([x0, y, x1, y + self.h * 0.05], fill=WOOD, outline=INK, width=self.lw)
        self.d.rectangle([x0 + 10, y, x0 + 30, self.h + 5], fill=WOOD, outline=INK)
        self.d.rectangle([x1 - 30, y, x1 - 10, self.h + 5], fill=WOOD, outline=INK)

    def monitor(self, x, y, s):
        self.d.rectangle([x - s * 0.5, y - s * 0.7, x + s * 0.5, y - s * 0.1], fill=DARK, outline=INK,
                         width=self.lw)
        self.d.rectangle([x - s * 0.44, y - s * 0.64, x + s * 0.44, y - s * 0.16], fill=(90, 160, 210))
        for k in range(3):
            self.d.line([(x - s * 0.38, y - s * (0.55 - 0.1 * k)), (x + s * (0.1 + 0.1 * k), y - s * (0.55 - 0.1 * k))],
                        fill=WHITE, width=3)
        self.d.rectangle([x - s * 0.06, y - s * 0.1, x + s * 0.06, y], fill=DARK)

    def phone_big(self, cx, cy, s):
        d = self.d
        d.rounded_rectangle([cx - s * 0.3, cy - s * 0.55, cx + s * 0.3, cy + s * 0.55], radius=s * 0.07,
                            fill=INK)
        d.rounded_rectangle([cx - s * 0.25, cy - s * 0.45, cx + s * 0.25, cy + s * 0.42], radius=s * 0.03,
                            fill=(70, 150, 220))
        # handset icon
        d.ellipse([cx - s * 0.12, cy - s * 0.12, cx + s * 0.12, cy + s * 0.12], fill=(90, 200, 110))
        d.arc([cx - s * 0.07, cy - s * 0.07, cx + s * 0.07, cy + s * 0.07], 100, 260, fill=WHITE,
              width=max(3, int(s * 0.025)))
        for k in (1, 2, 3):
            rr = s * (0.3 + 0.13 * k)
            d.arc([cx - rr, cy - rr, cx + rr, cy + rr], -40, 40, fill=YELLOW, width=max(3, int(s * 0.03)))
            d.arc([cx - rr, cy - rr, cx + rr, cy + rr], 140, 220, fill=YELLOW, width=max(3, int(s * 0.03)))

    def drive(self, x, y, s):
        self.d.rounded_rectangle([x - s * 0.5, y - s * 0.32, x + s * 0.5, y], radius=s * 0.05, fill=(60, 64, 76),
                                 outline=INK, width=self.lw)
        self.d.rectangle([x - s * 0.35, y - s * 0.22, x + s * 0.1, y - s * 0.1], fill=(200, 200, 210))

    def tent(self, x, y, s, c=ORANGE, lit=False):
        self.d.polygon([(x - s * 0.6, y), (x, y - s * 0.6), (x + s * 0.6, y)], fill=c, outline=INK, width=self.lw)
        self.d.polygon([(x - s * 0.12, y), (x, y - s * 0.35), (x + s * 0.12, y)],
                       fill=(255, 230, 140) if lit else DARK, outline=INK)

    def moon(self, x, y, r):
        self.d.ellipse([x - r, y - r, x + r, y + r], fill=(250, 240, 200))
        self.d.ellipse([x - r * 0.6, y - r * 1.1, x + r * 1.3, y + r * 0.7], fill=NIGHT)

    def stars(self, n, ymax):
        for _ in range(n):
            x, y = self.rng.uniform(0, self.w), self.rng.uniform(0, ymax)
            self.d.ellipse([x - 2, y - 2, x + 2, y + 2], fill=(240, 240, 210))

    def flashlight(self, x, y, tx, ty, spread):
        ang = math.atan2(ty - y, tx - x)
        nx, ny = -math.sin(ang), math.cos(ang)
        self.d.polygon([(x, y), (tx + nx * spread, ty + ny * spread), (tx - nx * spread, ty - ny * spread)],
                       fill=(236, 226, 150))

    def house(self, x, y, s, c=(230, 214, 186), awning=None):
        d, lw = self.d, self.lw
        d.rectangle([x - s * 0.5, y - s * 0.6, x + s * 0.5, y], fill=c, outline=INK, width=lw)
        d.polygon([(x - s * 0.6, y - s * 0.6), (x, y - s * 0.95), (x + s * 0.6, y - s * 0.6)], fill=(150, 70, 60),
                  outline=INK, width=lw)
        d.rectangle([x - s * 0.12, y - s * 0.35, x + s * 0.12, y], fill=WOOD, outline=INK)
        d.rectangle([x + s * 0.2, y - s * 0.45, x + s * 0.4, y - s * 0.28], fill=(160, 200, 225), outline=INK)
        if awning:
            for i in range(6):
                x0 = x - s * 0.55 + i * s * 1.1 / 6
                d.polygon([(x0, y - s * 0.58), (x0 + s * 1.1 / 6, y - s * 0.58), (x0 + s * 1.1 / 6, y - s * 0.48),
                           (x0, y - s * 0.48)], fill=awning if i % 2 == 0 else WHITE, outline=INK)

    def barrier(self, x, y, s):
        self.d.rectangle([x - s * 0.03, y - s * 0.3, x + s * 0.03, y], fill=GREY, outline=INK)
        for i in range(6):
            self.d.rectangle([x + i * s * 0.15, y - s * 0.3, x + (i + 1) * s * 0.15, y - s * 0.24],
                             fill=RED if i % 2 == 0 else WHITE, outline=INK)

    def shield(self, cx, cy, s):
        d = self.d
        d.polygon([(cx - s * 0.4, cy - s * 0.45), (cx + s * 0.4, cy - s * 0.45), (cx + s * 0.38, cy + s * 0.05),
                   (cx, cy + s * 0.5), (cx - s * 0.38, cy + s * 0.05)], fill=(200, 40, 40), outline=INK,
                  width=self.lw + 2)
        pts = []
        for k in range(10):
            a = -math.pi / 2 + k * math.pi / 5
            rr = s * (0.25 if k % 2 == 0 else 0.1)
            pts.append((cx + rr * math.cos(a), cy - s * 0.05 + rr * math.sin(a)))
        d.polygon(pts, fill=YELLOW)


LIN = dict(shirt=BLUE, pants=DARK, hair=INK, cap=GREY, backpack=(60, 110, 70))
SU = dict(shirt=RED, pants=(70, 80, 110), hair=INK, ponytail=True, backpack=(230, 160, 60))
CHEN = dict(shirt=(40, 44, 60), pants=(40, 44, 60), hair=(96, 96, 96))
HARRIS = dict(shirt=KHAKI, pants=(110, 100, 80), hair=(236, 200, 90), glasses=True)
VICTOR = dict(shirt=(90, 110, 80), vest=ORANGE, pants=DARK, hair=(196, 90, 40), skin=(250, 224, 204))
WANG = dict(shirt=(110, 130, 150), pants=(80, 70, 60), hair=(70, 70, 70), skin=SKIN2)
ZHANG = dict(shirt=(180, 80, 120), pants=DARK, hair=(120, 120, 120))

# --------------------------------------------------------------------------- text
NO_LINE_START = set("，。！？、；：”）》…")
VERT_CORNER = set("，。、")


def wrap_zh(text: str, n: int) -> list[str]:
    if "|" in text:  # explicit line/column breaks, e.g. to keep "12339" in one column
        return text.split("|")
    lines, cur = [], ""
    for ch in text:
        if len(cur) >= n and ch not in NO_LINE_START:
            lines.append(cur)
            cur = ""
        cur += ch
    if cur:
        lines.append(cur)
    return lines


def wrap_en(text: str, f, max_w: float) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        trial = (cur + " " + word).strip()
        if cur and f.getlength(trial) > max_w:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    if cur:
        lines.append(cur)
    return lines


class TextBlock:
    """A laid-out text block: size and a draw(draw, cx, cy, colour) method."""

    def __init__(self, text, lang="zh", vertical=False, size=34, per_line=8, kind="sans",
                 max_w=380):
        self.text, self.lang, self.vertical = text, lang, vertical
        self.f = font(kind, size)
        check_glyphs(text.replace("|", ""), self.f)
        self.size = size
        if lang == "en":
            self.lines = wrap_en(text, self.f, max_w)
            self.truth = " ".join(self.lines)
            self.lh = round(size * 1.25)
            self.w = max(self.f.getlength(s) for s in self.lines)
            self.h = self.lh * len(self.lines)
        elif vertical:
            self.cols = wrap_zh(text, per_line)
            self.truth = "".join(self.cols)
            self.cw = round(size * 1.3)          # column pitch
            self.ch = round(size * 1.08)         # glyph pitch inside a column
            self.w = self.cw * len(self.cols) - (self.cw - size)
            self.h = self.ch * max(len(c) for c in self.cols)
        else:
            self.lines = wrap_zh(text, per_line)
            self.truth = "".join(self.lines)
            self.lh = round(size * 1.3)
            self.w = max(self.f.getlength(s) for s in self.lines)
            self.h = self.lh * len(self.lines) - (self.lh - size)
        assert self.truth.replace(" ", "") == text.replace(" ", "").replace("|", ""), (self.truth, text)

    def draw(self, d: ImageDraw.ImageDraw, cx: float, cy: float, colour=INK):
        top = cy - self.h / 2
        if self.lang == "en" or not self.vertical:
            lh = self.lh
            for i, line in enumerate(self.lines):
                y = top + lh * i + (lh / 2 if self.lang == "en" else self.size / 2)
                d.text((cx, y), line, font=self.f, fill=colour, anchor="mm")
            return
        # vertical: columns right to left, each top to bottom
        right = cx + self.w / 2
        for ci, col in enumerate(self.cols):
            x = right - self.size / 2 - ci * self.cw
            for gi, ch in enumerate(col):
                y = top + self.ch * gi + self.ch / 2
                if ch in VERT_CORNER:
                    d.text((x + self.size * 0.3, y - self.size * 0.3), ch, font=self.f, fill=colour, anchor="mm")
                else:
                    d.text((x, y), ch, font=self.f, fill=colour, anchor="mm")


def mask_bbox(m: np.ndarray, ox=0, oy=0):
    ys, xs = np.nonzero(m)
    return [int(xs.min()) + ox, int(ys.min()) + oy, int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]


def measure(b: dict):
    """Text block, body shape and half-sizes (without outline) of a balloon spec."""
    kind = b.get("kind", "speech")
    tb = TextBlock(b["text"], b.get("lang", "zh"), b.get("vertical", False), b.get("size", 34),
                   b.get("per_line", 8), "serif_bold" if kind == "caption" else "sans", b.get("max_w", 380))
    shape = "box" if kind == "caption" else b.get("shape", "ellipse")
    if shape == "ellipse":
        a = tb.w / 2 * 1.42 + 14
        bb = tb.h / 2 * 1.42 + 14
    else:
        a = tb.w / 2 + (22 if kind == "caption" else 26)
        bb = tb.h / 2 + (18 if kind == "caption" else 24)
    return tb, shape, a, bb


def clamp_into(b: dict, x0, y0, x1, y1, margin=16) -> dict:
    """Move a balloon's centre so its body lies inside the box [x0, x1) x [y0, y1)."""
    _, _, a, bb = measure(b)
    cx, cy = b["at"]
    e = margin + 4  # outline + rounding
    cx = min(max(cx, x0 + e + a), x1 - e - a)
    cy = min(max(cy, y0 + e + bb), y1 - e - bb)
    b["at"] = (round(cx), round(cy))
    return b


def draw_balloon(page: Image.Image, b: dict) -> dict:
    """Draw one balloon/caption on the page; return its truth record (body bbox, tail excluded).

    b: text, kind (speech|caption), lang, vertical, at (cx, cy page px), tail (x, y) or None,
       shape (ellipse|box), dark (white-on-black caption), size, per_line, max_w.
    """
    kind = b.get("kind", "speech")
    tb, shape, a, bb = measure(b)
    cx, cy = b["at"]
    ow = 3
    x0, y0, x1, y1 = round(cx - a), round(cy - bb), round(cx + a), round(cy + bb)
    pad = ow + 4
    tail = b.get("tail")
    rx0, ry0, rx1, ry1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    if tail:
        rx0, ry0 = min(rx0, round(tail[0]) - pad), min(ry0, round(tail[1]) - pad)
        rx1, ry1 = max(rx1, round(tail[0]) + pad), max(ry1, round(tail[1]) + pad)
    W, H = rx1 - rx0 + 1, ry1 - ry0 + 1
    body = Image.new("L", (W, H), 0)
    bd = ImageDraw.Draw(body)
    lb = [x0 - rx0, y0 - ry0, x1 - rx0, y1 - ry0]
    if shape == "ellipse":
        bd.ellipse(lb, fill=255)
    elif kind == "caption":
        bd.rectangle(lb, fill=255)
    else:
        bd.rounded_rectangle(lb, radius=min(a, bb) * 0.45, fill=255)
    full = body.copy()
    if tail:
        fd = ImageDraw.Draw(full)
        tx, ty = tail[0] - rx0, tail[1] - ry0
        ccx, ccy = cx - rx0, cy - ry0
        ang = math.atan2(ty - ccy, tx - ccx)
        half = 0.16 if shape == "ellipse" else 0.1
        base = []
        for da in (-half, half):
            u = ang + da
            # point on the ellipse boundary in direction u, pulled a little inwards
            rr = 1.0 / math.sqrt((math.cos(u) / a) ** 2 + (math.sin(u) / bb) ** 2)
            base.append((ccx + 0.85 * rr * math.cos(u), ccy + 0.85 * rr * math.sin(u)))
        fd.polygon([base[0], (tx, ty), base[1]], fill=255)
    grow = ImageFilter.MaxFilter(2 * ow + 1)
    outline = full.filter(grow)
    fill_c = INK if b.get("dark") else (CAPTION if kind == "caption" else WHITE)
    line_c = (240, 240, 240) if b.get("dark") else INK
    page.paste(Image.new("RGB", (W, H), line_c), (rx0, ry0), outline)
    page.paste(Image.new("RGB", (W, H), fill_c), (rx0, ry0), full)
    tb.draw(ImageDraw.Draw(page), cx, cy, WHITE if b.get("dark") else INK)
    body_grown = np.array(body.filter(grow)) > 0
    return {"bbox": mask_bbox(body_grown, rx0, ry0), "text": tb.truth,
            "vertical": bool(tb.vertical and tb.lang == "zh"),
            "lang": tb.lang, "kind": kind, "_mask": (body_grown, rx0, ry0)}


# --------------------------------------------------------------------------- pages
def rect_poly(x, y, w, h):
    return [(float(x), float(y)), (float(x + w), float(y)), (float(x + w), float(y + h)), (float(x), float(y + h))]


def draw_panel(page: Image.Image, poly, scene, rng, frame=4):
    """Fill a panel polygon with a scene (and a frame drawn inside its edge); return truth + mask."""
    W, H = page.size
    xs = [p[0] for p in poly]
    ys = [p[1] for p in poly]
    x0, y0 = max(0, int(math.floor(min(xs)))), max(0, int(math.floor(min(ys))))
    x1, y1 = min(W, int(math.ceil(max(xs)))), min(H, int(math.ceil(max(ys))))
    m = Image.new("L", (x1 - x0, y1 - y0), 0)
    local = [(px - x0, py - y0) for px, py in poly]
    md = ImageDraw.Draw(m)
    is_rect = len(poly) == 4 and poly[0][1] == poly[1][1] and poly[1][0] == poly[2][0]
    if is_rect:
        md.rectangle([round(local[0][0]), round(local[0][1]), round(local[2][0]) - 1, round(local[2][1]) - 1], fill=255)
    else:
        md.polygon(local, fill=255)
    art = Image.new("RGB", m.size, WHITE)
    scene(Art(art, rng))
    page.paste(art, (x0, y0), m)
    if frame:
        pad = Image.new("L", (m.width + 2 * frame + 2, m.height + 2 * frame + 2), 0)
        pad.paste(m, (frame + 1, frame + 1))
        inner = pad.filter(ImageFilter.MinFilter(2 * frame + 1)).crop(
            (frame + 1, frame + 1, frame + 1 + m.width, frame + 1 + m.height))
        ring = (np.array(m) > 0) & ~(np.array(inner) > 0)
        page.paste(Image.new("RGB", m.size, INK), (x0, y0), Image.fromarray((ring * 255).astype(np.uint8)))
    mk = np.array(m) > 0
    clipped = [[round(min(max(px, 0), W), 2), round(min(max(py, 0), H), 2)] for px, py in poly]
    return {"bbox": mask_bbox(mk, x0, y0), "polygon": clipped}, (mk, x0, y0)


def inside(mask_a, mask_b) -> int:
    """Number of pixels of mask_a (balloon) outside mask_b (panel)."""
    a, ax, ay = mask_a
    b, bx, by = mask_b
    ys, xs = np.nonzero(a)
    xs = xs + ax - bx
    ys = ys + ay - by
    ok = (xs >= 0) & (ys >= 0) & (xs < b.shape[1]) & (ys < b.shape[0])
    hit = np.zeros(len(xs), bool)
    hit[ok] = b[ys[ok], xs[ok]]
    return int((~hit).sum())


def overlap(b1, b2) -> bool:
    x1, y1, w1, h1 = b1
    x2, y2, w2, h2 = b2
    return x1 < x2 + w2 and x2 < x1 + w1 and y1 < y2 + h2 and y2 < y1 + h1


def render_page(size, bg, panels, floating=(), style="grid", rtl=False, frame=4, seed_key=""):
    """panels: list of (polygon, scene, balloons) in reading order. Balloon positions are
    fractions of the panel's bounding box (at/tail), or page px with 'abs': True.
    floating: balloons in page px outside panels (strips)."""
    page = Image.new("RGB", size, bg)
    ptruth, pmasks, btruth = [], [], []
    problems = []
    for i, (poly, scene, _) in enumerate(panels):
        rng = random.Random(f"{SEED}:{seed_key}:{i}")
        t, mk = draw_panel(page, poly, scene, rng, frame)
        ptruth.append(t)
        pmasks.append(mk)
    groups = []
    for i, (poly, scene, balloons) in enumerate(panels):
        x, y, w, h = ptruth[i]["bbox"]
        recs = []
        for b in balloons:
            b = dict(b)
            if not b.get("abs"):
                b["at"] = (x + b["at"][0] * w, y + b["at"][1] * h)
                if b.get("tail"):
                    b["tail"] = (x + b["tail"][0] * w, y + b["tail"][1] * h)
            if not b.get("straddle"):
                clamp_into(b, x, y, x + w, y + h, margin=frame + 14)
            r = draw_balloon(page, b)
            out = inside(r["_mask"], pmasks[i])
            if out and not b.get("straddle"):
                problems.append(f"balloon {r['text']!r} sticks out of panel {i + 1} by {out} px")
            recs.append(r)
        groups.append(recs)
    flo = [draw_balloon(page, clamp_into(dict(b), 0, 0, size[0], size[1], 30)) for b in floating]
    for r in flo:
        for i, mk in enumerate(pmasks):
            if inside(r["_mask"], mk) < r["_mask"][0].sum():
                problems.append(f"floating balloon {r['text']!r} overlaps panel {i + 1}")
    if style == "strip":
        allb = [r for g in groups for r in g] + flo
        btruth = sorted(allb, key=lambda r: (r["bbox"][1], r["bbox"][0]))
    else:
        for g in groups:
            btruth += sorted(g, key=lambda r: (r["kind"] != "caption", r["bbox"][1]))
    for j, r in enumerate(btruth):
        bx, by, bw, bh = r["bbox"]
        if bx < 0 or by < 0 or bx + bw > size[0] or by + bh > size[1]:
            problems.append(f"balloon {r['text']!r} clipped by the page")
        for r2 in btruth[j + 1:]:
            if overlap(r["bbox"], r2["bbox"]):
                problems.append(f"balloons {r['text']!r} and {r2['text']!r} overlap")
    for r in btruth:
        r.pop("_mask")
    return page, ptruth, btruth, problems


# --------------------------------------------------------------------------- scenes
def s_panorama(a):
    a.landscape(horizon=0.58)
    a.mine(a.w * 0.72, a.h * 0.8, a.h * 0.22)
    a.theodolite(a.w * 0.45, a.h * 0.8, a.h * 0.16)
    a.flag(a.w * 0.5, a.h * 0.8, a.h * 0.12)
    a.vehicle(a.w * 0.32, a.h * 0.82, a.h * 0.3, c=WHITE)


def s_map_room(a, who=CHEN):
    a.room()
    a.map_board(a.w * 0.45, a.h * 0.12, a.w * 0.95, a.h * 0.6)
    a.person(a.w * 0.25, a.h * 0.95, a.h * 0.62, pose="point", face=1, **who)


def s_hikers_ready(a):
    a.room(c=(214, 226, 232))
    a.d.rectangle([a.w * 0.1, a.h * 0.1, a.w * 0.45, a.h * 0.4], fill=(170, 214, 236), outline=INK, width=a.lw + 1)
    a.d.polygon([(a.w * 0.1, a.h * 0.4), (a.w * 0.2, a.h * 0.25), (a.w * 0.3, a.h * 0.33), (a.w * 0.38, a.h * 0.22),
                 (a.w * 0.45, a.h * 0.4)], fill=MOUNT2, outline=INK)
    a.person(a.w * 0.3, a.h * 0.96, a.h * 0.66, face=1, **LIN)
    a.person(a.w * 0.62, a.h * 0.96, a.h * 0.6, face=-1, pose="up", **SU)


def s_trail(a):
    a.landscape(horizon=0.5, dawn=True, trees=4)
    w, h = a.w, a.h
    a.d.polygon([(w * 0.2, h + 5), (w * 0.45, h * 0.62), (w * 0.55, h * 0.6), (w * 0.75, h + 5)], fill=EARTH,
                outline=INK, width=a.lw)
    a.person(w * 0.44, h * 0.95, h * 0.5, face=1, **LIN)
    a.person(w * 0.56, h * 0.93, h * 0.46, face=-1, pose="point", **SU)
    a.tree(w * 0.9, h * 0.98, h * 0.45)
    a.tree(w * 0.08, h * 0.98, h * 0.38)


def s_meet(a):
    a.landscape(horizon=0.5, trees=2)
    w, h = a.w, a.h
    a.person(w * 0.14, h * 0.95, h * 0.55, face=1, pose="up", **LIN)
    a.person(w * 0.27, h * 0.95, h * 0.5, face=1, **SU)
    a.theodolite(w * 0.56, h * 0.95, h * 0.5)
    a.person(w * 0.72, h * 0.95, h * 0.56, face=-1, pose="point", **HARRIS)
    a.person(w * 0.87, h * 0.95, h * 0.54, face=-1, **VICTOR)


def s_theodolite_close(a):
    w, h = a.w, a.h
    a.sky()
    a.mountains(h * 0.55, [(w * 0.2, h * 0.3), (w * 0.7, h * 0.22)], MOUNT1)
    a.ground(h * 0.72, GRASS)
    a.theodolite(w * 0.2, h * 1.0, h * 0.62)
    a.box(w * 0.66, h * 0.97, h * 0.4, open_=True, rocks=True)
    a.sample_bag(w * 0.9, h * 0.97, h * 0.22)


def s_face_lin(a):
    a.fill((196, 222, 238))
    a.face(a.w * 0.36, a.h * 0.66, min(a.w, a.h) * 0.27, cap=GREY, shirt=BLUE)


def s_watching(a):
    a.landscape(horizon=0.55, trees=2)
    w, h = a.w, a.h
    a.person(w * 0.2, h * 1.05, h * 0.95, face=1, pose="binoculars", **HARRIS)
    a.person(w * 0.8, h * 0.8, h * 0.22, face=1, **LIN)
    a.person(w * 0.86, h * 0.8, h * 0.2, face=1, **SU)


def s_shop(a):
    w, h = a.w, a.h
    a.sky()
    a.mountains(h * 0.5, [(w * 0.15, h * 0.25), (w * 0.85, h * 0.3)], MOUNT1)
    a.ground(h * 0.78, (206, 196, 170))
    a.house(w * 0.5, h * 0.8, h * 0.6, awning=(60, 140, 200))
    a.person(w * 0.2, h * 0.97, h * 0.55, face=1, pose="point", **ZHANG)
    a.person(w * 0.82, h * 0.97, h * 0.58, face=-1, **WANG)


def s_bribe(a):
    a.landscape(horizon=0.5, snow=False, trees=1)
    w, h = a.w, a.h
    a.vehicle(w * 0.2, h * 0.97, w * 0.38, c=(120, 150, 90), pickup=True)
    a.person(w * 0.52, h * 0.97, h * 0.6, face=1, pose="give", item="envelope", **HARRIS)
    a.person(w * 0.8, h * 0.97, h * 0.56, face=-1, **WANG)


def s_face_wang(a):
    a.fill((244, 224, 196))
    r = min(a.w, a.h) * 0.26
    a.face(a.w * 0.4, a.h * 0.6, r, hair=(70, 70, 70), mood="worried", skin=SKIN2, shirt=WANG["shirt"],
           sweat=True)
    a.envelope(a.w * 0.62, a.h * 0.9, r * 0.9)


def s_report(a):
    a.room()
    a.map_board(a.w * 0.32, a.h * 0.1, a.w * 0.62, a.h * 0.55)
    a.person(a.w * 0.16, a.h * 0.96, a.h * 0.56, face=1, **LIN)
    a.person(a.w * 0.8, a.h * 0.96, a.h * 0.6, face=-1, **CHEN)


def s_drone(a):
    w, h = a.w, a.h
    a.sky()
    a.cloud(w * 0.6, h * 0.12, h * 0.1)
    a.mountains(h * 0.75, [(w * 0.15, h * 0.3), (w * 0.5, h * 0.42), (w * 0.85, h * 0.35)], MOUNT1, snow=True)
    a.mine(w * 0.72, h * 0.98, h * 0.2)
    a.ground(h * 0.98)
    a.drone(w * 0.55, h * 0.28, w * 0.3)
    for k in range(3):  # camera view cone
        a.d.line([(w * 0.55, h * 0.31), (w * (0.45 + 0.2 * k / 2), h * 0.7)], fill=(240, 240, 120), width=3)
    a.person(w * 0.9, h * 0.98, h * 0.4, face=-1, pose="phone", **VICTOR)


def s_camp(a):
    a.landscape(horizon=0.48, trees=3)
    w, h = a.w, a.h
    a.vehicle(w * 0.2, h * 0.9, w * 0.32, c=WHITE)
    a.theodolite(w * 0.55, h * 0.9, h * 0.34)
    for fx in (0.42, 0.66, 0.94):
        a.flag(w * fx, h * 0.88, h * 0.16)
    a.person(w * 0.7, h * 0.93, h * 0.36, face=-1, pose="point", **HARRIS)
    a.person(w * 0.84, h * 0.93, h * 0.35, face=-1, **VICTOR)


def s_victor_close(a):
    w, h = a.w, a.h
    a.sky()
    a.ground(h * 0.75)
    a.theodolite(w * 0.3, h * 0.98, h * 0.55)
    a.person(w * 0.55, h * 1.02, h * 0.8, face=-1, **VICTOR)
    for fx in (0.76, 0.86, 0.95):
        a.sample_bag(w * fx, h * 0.97, h * 0.16)


def s_ridge(a):
    w, h = a.w, a.h
    a.sky(sun=(w * 0.85, h * 0.15, h * 0.06, (255, 236, 150)))
    a.mountains(h * 0.55, [(w * 0.3, h * 0.2), (w * 0.7, h * 0.3)], MOUNT1)
    a.ground(h * 0.6, GRASS)
    a.theodolite(w * 0.25, h * 0.68, h * 0.1)
    a.person(w * 0.32, h * 0.69, h * 0.08, face=-1, **HARRIS)
    a.box(w * 0.18, h * 0.69, h * 0.05)
    a.d.polygon([(w * 0.35, h + 5), (w * 0.55, h * 0.78), (w * 0.8, h * 0.72), (w + 5, h * 0.75), (w + 5, h + 5)],
                fill=ROCK, outline=INK, width=a.lw)
    a.person(w * 0.66, h * 0.8, h * 0.36, face=-1, pose="binoculars", **SU)
    a.person(w * 0.84, h * 0.78, h * 0.38, face=-1, **LIN)


def s_night_tent(a):
    w, h = a.w, a.h
    a.fill(NIGHT)
    a.stars(40, h * 0.45)
    a.moon(w * 0.8, h * 0.16, h * 0.06)
    a.mountains(h * 0.55, [(w * 0.2, h * 0.25), (w * 0.6, h * 0.18), (w * 0.9, h * 0.28)], NIGHT2)
    a.ground(h * 0.7, (30, 50, 44))
    a.tent(w * 0.45, h * 0.85, h * 0.42, lit=True)
    a.person(w * 0.75, h * 0.92, h * 0.42, face=-1, shirt=(60, 60, 70), pants=(40, 40, 50), hair=(120, 110, 70),
             skin=(120, 110, 100))
    a.person(w * 0.18, h * 0.92, h * 0.44, face=1, shirt=(70, 66, 50), pants=(40, 40, 50), hair=(150, 130, 70),
             skin=(120, 110, 100), glasses=True)


def s_loading(a):
    a.landscape(horizon=0.5, snow=False, trees=2)
    w, h = a.w, a.h
    a.vehicle(w * 0.3, h * 0.92, w * 0.46, c=(120, 150, 90), pickup=True, face=-1)
    for fx in (0.3, 0.42):
        a.box(w * fx, h * 0.92 - w * 0.46 * 0.3, h * 0.1)
    a.person(w * 0.65, h * 0.95, h * 0.5, face=-1, **WANG)
    a.person(w * 0.84, h * 0.95, h * 0.52, face=-1, pose="give", **VICTOR)
    a.box(w * 0.72, h * 0.64, h * 0.08)


def s_command(a):
    a.room(c=(214, 220, 230))
    w, h = a.w, a.h
    a.map_board(w * 0.06, h * 0.08, w * 0.56, h * 0.55, pins=6)
    a.monitor(w * 0.8, h * 0.5, h * 0.36)
    a.person(w * 0.45, h * 0.96, h * 0.64, face=-1, pose="point", **CHEN)
    a.person(w * 0.72, h * 0.98, h * 0.6, face=-1, **LIN)


def s_mine_dawn(a):
    w, h = a.w, a.h
    a.sky(SKY_DAWN, sun=(w * 0.15, h * 0.2, h * 0.06, (255, 200, 120)))
    a.mountains(h * 0.5, [(w * 0.3, h * 0.25), (w * 0.8, h * 0.2)], MOUNT1)
    a.ground(h * 0.75, (196, 180, 140))
    a.mine(w * 0.45, h * 0.78, h * 0.42)
    a.box(w * 0.34, h * 0.8, h * 0.1)
    a.box(w * 0.56, h * 0.8, h * 0.1)
    a.rock(w * 0.85, h + 5, w * 0.2)
    a.person(w * 0.82, h * 0.88, h * 0.3, face=-1, **LIN)
    a.rock(w * 0.88, h + 5, w * 0.15, c=(130, 122, 112))


def s_home_night(a):
    w, h = a.w, a.h
    a.room(c=(190, 176, 150), floor=0.72)
    a.d.rectangle([w * 0.55, h * 0.1, w * 0.9, h * 0.42], fill=NIGHT, outline=INK, width=a.lw + 1)
    a.d.ellipse([w * 0.78, h * 0.15, w * 0.84, h * 0.21], fill=(250, 240, 200))
    a.d.line([(w * 0.725, h * 0.1), (w * 0.725, h * 0.42)], fill=INK, width=a.lw)
    a.d.polygon([(w * 0.12, h * 0.05), (w * 0.22, h * 0.05), (w * 0.27, h * 0.16), (w * 0.07, h * 0.16)], fill=YELLOW,
                outline=INK)
    a.d.line([(w * 0.17, 0), (w * 0.17, h * 0.05)], fill=INK, width=2)
    a.desk(h * 0.7, w * 0.08, w * 0.6)
    a.envelope(w * 0.35, h * 0.66, h * 0.12)
    a.person(w * 0.75, h * 0.97, h * 0.58, face=-1, **WANG)


def s_shop_talk(a):
    w, h = a.w, a.h
    a.sky()
    a.ground(h * 0.8, (206, 196, 170))
    a.house(w * 0.28, h * 0.82, h * 0.55, awning=(60, 140, 200))
    a.person(w * 0.7, h * 0.97, h * 0.62, face=1, pose="point", **ZHANG)


def s_wang_call(a):
    a.fill((60, 66, 96))
    r = min(a.w, a.h) * 0.28
    cx, cy = a.w * 0.3, a.h * 0.58
    a.face(cx, cy, r, hair=(70, 70, 70), mood="worried", skin=SKIN2, shirt=WANG["shirt"])
    a.d.rounded_rectangle([cx - r * 1.25, cy - r * 0.3, cx - r * 0.85, cy + r * 0.7], radius=6, fill=INK,
                          outline=(200, 200, 200))
    a.d.ellipse([cx - r * 1.45, cy + r * 0.2, cx - r * 1.05, cy + r * 0.6], fill=SKIN2, outline=INK)


def s_phone(a):
    a.fill((222, 236, 248))
    a.phone_big(a.w * 0.5, a.h * 0.56, min(a.w, a.h) * 0.62)


def s_operator(a):
    w, h = a.w, a.h
    a.room(c=(214, 226, 232), floor=0.8)
    a.monitor(w * 0.25, h * 0.5, h * 0.3)
    a.face(w * 0.6, h * 0.58, min(w, h) * 0.22, hair=INK, shirt=(40, 44, 60), headset=True)


def s_wang_phone(a):
    w, h = a.w, a.h
    a.room(c=(190, 176, 150), floor=0.78)
    a.person(w * 0.74, h * 0.97, h * 0.62, face=-1, pose="phone", item="phone", **WANG)


def s_checkpoint(a):
    w, h = a.w, a.h
    a.fill(NIGHT)
    a.stars(30, h * 0.4)
    a.moon(w * 0.2, h * 0.14, h * 0.05)
    a.mountains(h * 0.5, [(w * 0.3, h * 0.2), (w * 0.75, h * 0.26)], NIGHT2)
    a.ground(h * 0.66, (36, 44, 52))
    a.d.polygon([(w * 0.0, h * 0.95), (w * 0.5, h * 0.68), (w * 0.65, h * 0.68), (w * 1.0, h * 0.95)],
                fill=(70, 74, 84))
    a.vehicle(w * 0.28, h * 0.86, w * 0.42, c=(100, 126, 80), pickup=True, face=1, lights=True)
    a.flashlight(w * 0.82, h * 0.6, w * 0.45, h * 0.74, h * 0.12)
    a.barrier(w * 0.62, h * 0.9, h * 0.5)
    a.person(w * 0.85, h * 0.97, h * 0.5, face=-1, pose="point", **LIN)


def s_seized(a):
    w, h = a.w, a.h
    a.fill((58, 62, 80))
    a.d.rectangle([0, h * 0.6, w + 5, h + 5], fill=(110, 90, 70), outline=INK, width=a.lw)
    a.box(w * 0.42, h * 0.9, h * 0.42, open_=True, rocks=True)
    a.drive(w * 0.8, h * 0.88, h * 0.22)
    a.sample_bag(w * 0.14, h * 0.92, h * 0.22)


def s_arrest(a):
    a.landscape(horizon=0.5, dawn=True, snow=False, trees=2)
    w, h = a.w, a.h
    a.vehicle(w * 0.78, h * 0.9, w * 0.3, c=WHITE, face=-1)
    a.person(w * 0.2, h * 0.95, h * 0.5, face=1, **LIN)
    a.person(w * 0.37, h * 0.95, h * 0.5, face=-1, **HARRIS)
    a.person(w * 0.53, h * 0.95, h * 0.46, face=-1, **SU)


def s_finale(a):
    w, h = a.w, a.h
    a.sky()
    a.mountains(h * 0.55, [(w * 0.15, h * 0.25), (w * 0.5, h * 0.32), (w * 0.85, h * 0.22)], MOUNT1, snow=True)
    a.ground(h * 0.7)
    a.house(w * 0.82, h * 0.76, h * 0.3, awning=(60, 140, 200))
    a.shield(w * 0.5, h * 0.3, h * 0.3)
    for fx, who, s in ((0.12, ZHANG, 0.42), (0.26, WANG, 0.44), (0.58, LIN, 0.46), (0.7, SU, 0.42)):
        a.person(w * fx, h * 0.97, h * s, face=1 if fx < 0.5 else -1, pose="up" if who is WANG else "down", **who)
    a.phone_big(w * 0.42, h * 0.8, h * 0.25)


# --------------------------------------------------------------------------- layouts
def B(text, at, tail=None, **kw):
    return dict(text=text, at=at, tail=tail, **kw)


def C(text, at, **kw):
    return dict(text=text, at=at, kind="caption", **kw)


def V(text, at, tail=None, per_line=5, **kw):
    return dict(text=text, at=at, tail=tail, vertical=True, per_line=per_line, **kw)


PAGE = (1200, 1700)
MARGIN, GUTTER = 60, 20


def grid(rows, rtl=False, page=PAGE, margin=MARGIN, gutter=GUTTER):
    """rows: list of (height, [(width_fraction, scene, balloons), ...]) -> panels in reading order."""
    out = []
    y = margin
    inner = page[0] - 2 * margin
    for height, cells in rows:
        avail = inner - gutter * (len(cells) - 1)
        widths = [round(avail * c[0]) for c in cells]
        widths[-1] = avail - sum(widths[:-1])
        xs, x = [], margin
        for wdt in widths:
            xs.append(x)
            x += wdt + gutter
        row = [(rect_poly(xs[i], y, widths[i], height), cells[i][1], cells[i][2]) for i in range(len(cells))]
        out += row[::-1] if rtl else row
        y += height + gutter
    assert y - gutter == page[1] - margin, (y - gutter, page)
    return out


def ep01():
    p1 = grid([
        (480, [(1.0, s_panorama, [
            C("西山矿区，北坡。", (0.14, 0.1), per_line=8),
            C("国家安全机关接到线索：一支“测绘队”频繁出入矿区。", (0.76, 0.87), per_line=13, size=30)])]),
        (500, [(0.5, s_map_room, [
            B("他们自称在做房地产测绘。", (0.33, 0.16), (0.24, 0.3), per_line=6, size=32),
            B("可这片山里根本没有开发项目。", (0.62, 0.8), (0.3, 0.45), per_line=7, size=32)]),
               (0.5, s_hikers_ready, [
            B("我们扮成迷路的驴友，上山看看。", (0.33, 0.15), (0.31, 0.33), per_line=7, size=32),
            V("明白，马上出发！", (0.87, 0.62), (0.66, 0.42), per_line=4)])]),
        (560, [(1.0, s_trail, [
            C("第二天清晨，两名“驴友”走进了矿区后山。", (0.2, 0.1), per_line=10, size=30),
            B("地图上这条小路通向矿区后山。", (0.72, 0.25), (0.57, 0.52), per_line=8)])]),
    ])
    p2 = grid([
        (560, [(1.0, s_meet, [
            B("你好！我们迷路了，请问下山怎么走？", (0.22, 0.12), (0.15, 0.45), per_line=9),
            B("这里是私人测绘区域，请你们马上离开。", (0.71, 0.2), (0.72, 0.48), per_line=9)])]),
        (540, [(0.6, s_theodolite_close, [
            C("三脚架旁，放着几个沉甸甸的样品箱。", (0.34, 0.1), per_line=9, size=30),
            B("那不是测绘仪器，是光谱仪。", (0.66, 0.43), (0.99, 0.55), per_line=7, size=32)]),
               (0.4, s_face_lin, [
            V("房地产测绘，为什么要采矿石？", (0.8, 0.4), (0.62, 0.55), per_line=7)])]),
        (440, [(1.0, s_watching, [
            B("别让他们靠近北坡。", (0.44, 0.2), (0.26, 0.3), per_line=9),
            C("他们没有想到，“驴友”早已记下了每一个采样点。", (0.72, 0.84), per_line=12, size=30, dark=True)])]),
    ])
    p3 = grid([
        (520, [(1.0, s_shop, [
            B("老王，那伙外国人最近总找你干啥？", (0.2, 0.16), (0.2, 0.45), per_line=9),
            B("让我帮忙运点土，说是搞园林。", (0.78, 0.24), (0.81, 0.44), per_line=7)])]),
        (540, [(0.58, s_bribe, [
            B("一趟五千块，别问箱子里是什么。", (0.36, 0.15), (0.52, 0.42), per_line=8, size=32)]),
               (0.42, s_face_wang, [
            V("这钱，拿着烫手。", (0.82, 0.3), (0.6, 0.42), per_line=4)])]),
        (480, [(1.0, s_report, [
            B("样品一旦出境，矿区的数据就全泄露了。", (0.2, 0.15), (0.16, 0.4), per_line=9),
            B("盯紧那辆皮卡，一个样品也不能流出去。", (0.78, 0.2), (0.8, 0.45), per_line=9)])]),
    ])
    return [dict(panels=p, style="grid", rtl=False) for p in (p1, p2, p3)]


def ep02():
    """One tall WeChat-style strip: borderless panels on a tint, text floating in the gaps."""
    W = 1080
    items = [
        ("gap", 420, [C("第二集　山里的测绘队", (0.5, 0.55), per_line=12, size=40, dark=True)]),
        ("panel", 1100, False, s_camp, [
            C("“远景地产咨询公司”的测绘队，已经在山里待了一周。", (0.3, 0.1), per_line=12, size=30)]),
        ("gap", 300, [B("Spectrometer readings are off the chart.", (0.62, 0.5), (0.78, -0.3), lang="en",
                        size=32, max_w=420)]),
        ("panel", 980, True, s_victor_close, [
            B("Bag every sample. Label them as garden soil.", (0.3, 0.14), (0.5, 0.35), lang="en", size=30,
              max_w=380)]),
        ("gap", 300, []),
        ("panel", 1050, False, s_drone, [
            B("无人机把整个矿区都拍了一遍。", (0.3, 0.62), (0.0, 0.9), per_line=7),
            B("Fly the north slope again. Low and slow.", (0.7, 0.84), (0.6, 0.7), lang="en", size=30,
              max_w=340)]),
        ("gap", 420, [C("与此同时，山脊上。", (0.3, 0.5), per_line=10)]),
        ("panel", 1150, False, s_ridge, [
            B("他们每到一个点，就打一个采样桩。", (0.38, 0.16), (0.64, 0.46), per_line=8),
            B("坐标我都记下来了。", (0.8, 0.26), (0.84, 0.42), per_line=5)]),
        ("gap", 260, []),
        ("panel", 1000, True, s_night_tent, [
            C("当晚，帐篷里。", (0.18, 0.07), per_line=8, dark=True),
            B("Ship the hard drive with the samples tomorrow.", (0.66, 0.24), (0.76, 0.5), lang="en", size=30,
              max_w=360)]),
        ("gap", 420, [B("Our local driver is ready. Cash only.", (0.27, 0.3), (0.2, -0.2), lang="en", size=30,
                        max_w=360),
                      B("我只是开车，不会出事吧？", (0.62, 0.7), (0.63, 1.5), per_line=6)]),
        ("panel", 1000, False, s_loading, [
            B("只管开车，别打开箱子。", (0.8, 0.16), (0.84, 0.42), per_line=6)]),
        ("gap", 360, [C("境外人员非法采集我国稀土样品，已涉嫌违法犯罪。", (0.5, 0.5), per_line=12, size=32)]),
        ("panel", 1000, True, s_command, [
            B("通知卡口，明早拦下那辆皮卡。", (0.3, 0.14), (0.44, 0.4), per_line=7),
            V("是！", (0.92, 0.62), (0.76, 0.46), per_line=4)]),
        ("gap", 300, []),
        ("panel", 1050, False, s_mine_dawn, [
            C("清晨，矿洞口。", (0.15, 0.08), per_line=8),
            B("样品就藏在矿洞口的木箱里。", (0.5, 0.18), (0.8, 0.62), per_line=8)]),
        ("gap", 600, [C("（第二集完）", (0.5, 0.3), per_line=8),
                      C("下集：举报电话12339", (0.5, 0.7), per_line=12, size=36, dark=True)]),
    ]
    panels, floating, y = [], [], 0
    for it in items:
        if it[0] == "gap":
            _, gh, bl = it
            for b in bl:
                b = dict(b)
                b["at"] = (b["at"][0] * W, y + b["at"][1] * gh)
                if b.get("tail"):
                    b["tail"] = (b["tail"][0] * W, y + b["tail"][1] * gh)
                floating.append(b)
            y += gh
        else:
            _, ph, inset, scene, bl = it
            x0, x1 = (70, W - 70) if inset else (0, W)
            panels.append((rect_poly(x0, y, x1 - x0, ph), scene, bl))
            y += ph
    return [dict(panels=panels, floating=floating, style="strip", rtl=False, size=(W, y), bg=STRIP_BG, frame=0)]


def _isect(l1, l2):
    (x1, y1), (x2, y2) = l1
    (x3, y3), (x4, y4) = l2
    den = (x1 - x2) * (y3 - y4) - (y1 - y2) * (x3 - x4)
    t = ((x1 - x3) * (y3 - y4) - (y1 - y3) * (x3 - x4)) / den
    return (round(x1 + t * (x2 - x1), 2), round(y1 + t * (y2 - y1), 2))


def _shift(line, dx, dy):
    return ((line[0][0] + dx, line[0][1] + dy), (line[1][0] + dx, line[1][1] + dy))


def ep03():
    p1 = grid([
        (560, [(0.46, s_shop_talk, [
            V("不对劲，|就打|12339！", (0.22, 0.36), (0.68, 0.25))]),
               (0.54, s_home_night, [
            V("这钱，我不能要。", (0.45, 0.3), (0.72, 0.46), per_line=4)])]),
        (500, [(1.0, s_wang_call, [
            V("深夜，老王拨通了电话。", (0.93, 0.42), per_line=6, kind="caption", size=32),
            V("喂，是|12339|吗？我要|举报。", (0.68, 0.45), (0.38, 0.45))])]),
        (480, [(0.3, s_wang_phone, [
            V("他们让我明天运样品出山。", (0.22, 0.42), (0.68, 0.22), per_line=6, size=32)]),
               (0.36, s_operator, [
            V("请您详细说说情况。", (0.2, 0.3), (0.45, 0.45), per_line=5, size=32)]),
               (0.34, s_phone, [
            B("嘟——", (0.5, 0.14), None, per_line=4, shape="box")])]),
    ], rtl=True)

    # page 2: slanted gutters (quadrilateral panels)
    L, R, T, Bt = MARGIN, PAGE[0] - MARGIN, MARGIN, PAGE[1] - MARGIN
    g = GUTTER / 2
    left, right = ((L, 0), (L, 1)), ((R, 0), (R, 1))
    top, bottom = ((0, T), (1, T)), ((0, Bt), (1, Bt))
    rowA = ((L, 640), (R, 580))
    rowB = ((L, 1120), (R, 1180))
    col = ((700, T), (600, 640))

    def quad(tl, tr, bl_, br_):
        return [tl, tr, br_, bl_]

    a_top, a_bot = _shift(rowA, 0, -g), _shift(rowA, 0, g)
    b_top, b_bot = _shift(rowB, 0, -g), _shift(rowB, 0, g)
    c_l, c_r = _shift(col, -g, 0), _shift(col, g, 0)
    q1 = quad(_isect(top, left), _isect(top, c_l), _isect(a_top, left), _isect(a_top, c_l))
    q2 = quad(_isect(top, c_r), _isect(top, right), _isect(a_top, c_r), _isect(a_top, right))
    q3 = quad(_isect(a_bot, left), _isect(a_bot, right), _isect(b_top, left), _isect(b_top, right))
    q4 = quad(_isect(b_bot, left), _isect(b_bot, right), _isect(bottom, left), _isect(bottom, right))
    p2 = [
        (q1, s_checkpoint, [
            B("停车！国家安全机关检查。", (0.3, 0.14), (0.8, 0.5), per_line=6, size=32)]),
        (q2, s_seized, [
            C("查获稀土样品二十三袋、数据硬盘一块。", (0.56, 0.13), per_line=8, size=30, dark=True)]),
        (q3, s_arrest, [
            B("我们只是做房地产测绘的！", (0.55, 0.2), (0.4, 0.5), per_line=6),
            B("房地产测绘，需要偷采稀土吗？", (0.18, 0.27), (0.2, 0.52), per_line=7, size=32)]),
        (q4, s_finale, [
            C("发现危害国家安全的可疑线索，|请拨打12339举报。", (0.22, 0.2), size=32),
            C("4月15日是全民国家安全教育日。维护国家安全，人人有责。", (0.78, 0.32), per_line=10, size=30,
              dark=True)]),
    ]
    return [dict(panels=p1, style="grid", rtl=True), dict(panels=p2, style="slant", rtl=False)]


EPISODES = [
    dict(number=1, slug="ep01", title="The Lost Hikers", title_zh="迷路的徒步者", published_on="2024-04-01",
         notes="Officers Lin Feng and Su Xiaoyu pose as lost hikers and meet a 'real-estate survey team' "
               "taking rare-earth samples; a local driver is offered money.", make=ep01, direction="ltr"),
    dict(number=2, slug="ep02", title="The Survey Team in the Mountains", title_zh="山里的测绘队",
         published_on="2024-04-08",
         notes="One long WeChat-style strip. The foreign 'surveyors' bag samples as 'garden soil'; the officers "
               "log every sampling point; the command room prepares a checkpoint. Contains some English.",
         make=ep02, direction="ltr"),
    dict(number=3, slug="ep03", title="Report Hotline 12339", title_zh="举报电话12339", published_on="2024-04-15",
         notes="Lao Wang refuses the money and calls 12339; the pickup is stopped at night and the samples "
               "seized. Ends with the national-security education message. Page 1 reads right to left "
               "(vertical text); page 2 left to right.",
         make=ep03, direction="rtl", page_direction=["rtl", "ltr"]),
]


def save_png(img: Image.Image, path: str) -> None:
    # a 256-colour palette keeps flat art small; no dithering, so edges stay clean
    q = img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    q.save(path, optimize=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo"),
                    help="output folder (default: seeds/demo next to this script)")
    ap.add_argument("--strict", action="store_true", help="fail on layout problems (clipped/overlapping balloons)")
    args = ap.parse_args(argv)
    out = args.out
    pages_truth, problems = [], []
    meta_eps = []
    for ep in EPISODES:
        os.makedirs(os.path.join(out, ep["slug"]), exist_ok=True)
        rel_pages = []
        for pi, spec in enumerate(ep["make"](), start=1):
            size = spec.get("size", PAGE)
            key = f"{ep['slug']}/{pi:03d}"
            page, pt, bt, probs = render_page(size, spec.get("bg", WHITE), spec["panels"], spec.get("floating", ()),
                                              spec["style"], spec["rtl"], spec.get("frame", 4), key)
            problems += [f"{key}: {p}" for p in probs]
            rel = f"{ep['slug']}/{pi:03d}.png"
            save_png(page, os.path.join(out, rel))
            rel_pages.append(rel)
            pages_truth.append({
                "image": rel, "width": size[0], "height": size[1], "style": spec["style"], "rtl": spec["rtl"],
                "source": f"demo: make_demo.py, {ep['slug']} 「{ep['title_zh']}」 page {pi}",
                "license": LICENSE, "panels": pt, "balloons": bt})
        meta_eps.append({
            "number": ep["number"], "title": ep["title"], "title_zh": ep["title_zh"],
            "published_on": ep["published_on"],
            "source_url": f"https://example.org/secret-special-investigation-division-demo/episode-{ep['number']}",
            "notes": ep["notes"], "direction": ep["direction"], "pages": rel_pages})
        if "page_direction" in ep:  # episode 3 mixes directions: record them per page too
            meta_eps[-1]["page_direction"] = {rel_pages[i]: d for i, d in enumerate(ep["page_direction"])}
    with open(os.path.join(out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump({"pages": pages_truth}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    series = {
        "series": {
            "name": "The Secret Special Investigation Division (demo)",
            "name_zh": "秘密特别调查处（演示）",
            "publisher": "demo account",
            "url": "https://example.org/secret-special-investigation-division-demo",
            "notes": "original demo art, CC0",
        },
        "episodes": meta_eps,
    }
    with open(os.path.join(out, "episodes.yaml"), "w", encoding="utf-8") as f:
        f.write("# Demo series and episode metadata for import; generated by seeds/make_demo.py.\n"
                "# Paths are relative to this file. All names, places and URLs are fictional.\n")
        yaml.safe_dump(series, f, allow_unicode=True, sort_keys=False, width=100)
    nb = sum(len(p["balloons"]) for p in pages_truth)
    npanels = sum(len(p["panels"]) for p in pages_truth)
    print(f"wrote {len(pages_truth)} pages, {npanels} panels, {nb} balloons to {out}")
    for p in problems:
        print("WARNING:", p, file=sys.stderr)
    if problems and args.strict:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
