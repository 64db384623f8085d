"""Figures in a panel: who a balloon's tail can point at.

A face is the most reliable mark of a figure in a drawn panel: skin-toned blobs (the classic
YCrCb skin range) of face size, away from the balloons, are taken as heads; the figure is
the head plus the column below it down to the panel's edge (where the body usually is). Each
figure carries a colour signature (hue-saturation histogram of the body below the head) that
lets a character be recognised again by costume in a later panel.

This is a heuristic for drawn comics with skin-coloured faces; it finds nothing in a page
drawn in monochrome, and a skin-coloured background produces false heads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from annotator.vision.images import as_rgb_array

MIN_HEAD = 0.0015  # smallest head, as a share of the panel's area
MAX_HEAD = 0.12
AIM = 0.2  # radians: how far off a tail may point and still mean a head


@dataclass
class Figure:
    head: tuple[float, float]  # centre of the face, page pixels
    radius: float
    bbox: tuple[int, int, int, int]
    signature: np.ndarray = field(repr=False, default=None)  # normalised hue-saturation histogram


def skin_mask(rgb: np.ndarray) -> np.ndarray:
    ycrcb = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)
    return cv2.inRange(ycrcb, (60, 136, 77), (250, 173, 127))


def signature(rgb: np.ndarray) -> np.ndarray:
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hist = cv2.calcHist([hsv], [0, 1], None, [18, 8], [0, 180, 0, 256]).ravel()
    total = hist.sum()
    return hist / total if total else hist


def find_figures(image, panel: tuple[int, int, int, int], exclude: list[tuple[int, int, int, int]] = ()
                 ) -> list[Figure]:
    """Figures in the panel (x, y, w, h page pixels), left to right; ``exclude``: balloon boxes."""
    rgb = as_rgb_array(image)
    px, py, pw, ph = (int(v) for v in panel)
    px, py = max(0, px), max(0, py)
    crop = rgb[py: py + ph, px: px + pw]
    if crop.size == 0:
        return []
    mask = skin_mask(crop)
    for ex, ey, ew, eh in exclude:
        mask[max(0, ey - py): max(0, ey - py + eh), max(0, ex - px): max(0, ex - px + ew)] = 0
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    count, _labels, stats, centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    area = float(crop.shape[0] * crop.shape[1])
    out = []
    for i in range(1, count):
        _x, y, w, h, n = stats[i]
        if not MIN_HEAD * area <= n <= MAX_HEAD * area or not 0.4 <= w / max(h, 1) <= 2.5 or n < 0.4 * w * h:
            continue
        cx, cy = centroids[i]
        radius = (w + h) / 4
        bx0, bx1 = int(max(0, cx - 1.5 * radius)), int(min(crop.shape[1], cx + 1.5 * radius))
        by0 = int(min(crop.shape[0] - 1, y + h + radius * 0.3))
        body = crop[by0: int(min(crop.shape[0], by0 + 3 * radius)), bx0:bx1]
        sig = signature(body) if body.size else np.zeros(18 * 8, np.float32)
        out.append(Figure(head=(float(cx + px), float(cy + py)), radius=float(radius),
                          bbox=(int(bx0 + px), int(y + py), int(bx1 - bx0), int(crop.shape[0] - y)), signature=sig))
    return sorted(_one_per_figure(out), key=lambda f: f.head[0])


def _one_per_figure(found: list[Figure]) -> list[Figure]:
    """Skin blobs close together (a face and its hand, a face split by a shadow) are one figure:
    keep the largest of each cluster."""
    kept: list[Figure] = []
    for fig in sorted(found, key=lambda f: -f.radius):
        if all(np.hypot(fig.head[0] - k.head[0], fig.head[1] - k.head[1]) > 2.5 * k.radius for k in kept):
            kept.append(fig)
    return kept


def pointed_at(figures: list[Figure], base: tuple[float, float], direction: tuple[float, float]) -> list[float]:
    """How well a tail (from the balloon's centre ``base``, along ``direction``) points at each head, 0..1.

    The angle between the tail and the line to the head counts most (a Gaussian of AIM
    radians); of two heads on the same line, the nearer one wins.
    """
    scores = []
    for fig in figures:
        vx, vy = fig.head[0] - base[0], fig.head[1] - base[1]
        dist = float(np.hypot(vx, vy)) or 1.0
        cos = max(-1.0, min(1.0, (vx * direction[0] + vy * direction[1]) / dist))
        angle = float(np.arccos(cos))
        scores.append(float(np.exp(-0.5 * (angle / AIM) ** 2)) / (1.0 + dist / (40 * fig.radius)))
    return scores


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Histogram intersection of two signatures, 0..1."""
    if a is None or b is None or not a.sum() or not b.sum():
        return 0.0
    return float(np.minimum(a, b).sum())
