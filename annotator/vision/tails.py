"""Balloon tails: where a speech balloon points.

The balloon is the light region enclosed by its outline around the text; opening that region
with a disc about a third of the balloon's size keeps the round body and drops the narrow
wedge of the tail. What is left over, on the side away from the text, is the tail: its tip is
the leftover pixel farthest from the body's centre, and the direction runs from the centre
to the tip. No tail (a caption, a thought bubble's dots, a balloon cut by the frame) is None.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from annotator.vision.images import as_rgb_array

LIGHT = 200  # grey level above which a pixel is balloon interior (balloons are white or near it)
MIN_TAIL = 0.12  # a tail shorter than this share of the balloon's smaller side is outline noise
MARGINS = (1.0, 2.5, 5.0)  # crops around the box tried in turn, in multiples of its larger side
MAX_GROWTH = 15  # a "balloon" over this many times the box's area is the page's background


@dataclass(frozen=True)
class Tail:
    tip: tuple[float, float]  # page pixels
    base: tuple[float, float]  # the body's centre, where the tail's direction starts
    direction: tuple[float, float]  # unit vector, base -> tip
    length: float  # tip to the body's edge, pixels


def balloon_mask(gray: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray | None:
    """Filled mask (same size as ``gray``) of the light region enclosed around box's centre,
    or None when that region is not enclosed (it reaches the edge of ``gray``)."""
    x, y, w, h = box
    light = (gray >= LIGHT).astype(np.uint8)
    count, labels = cv2.connectedComponents(light, connectivity=4)
    if count < 2:
        return None
    cx0, cy0 = x + w // 4, y + h // 4
    core = labels[cy0: cy0 + max(1, h // 2), cx0: cx0 + max(1, w // 2)]
    votes = np.bincount(core.ravel(), minlength=count)
    votes[0] = 0
    label = int(votes.argmax())
    if votes[label] == 0:
        return None
    mask = (labels == label).astype(np.uint8)
    if mask[0, :].any() or mask[-1, :].any() or mask[:, 0].any() or mask[:, -1].any():
        return None
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros_like(mask)
    cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
    return filled


def find_tail(image, box: tuple[int, int, int, int]) -> Tail | None:
    """The tail of the balloon holding ``box`` (x, y, w, h, page pixels: the text or the balloon)."""
    rgb = as_rgb_array(image)
    height, width = rgb.shape[:2]
    x, y, w, h = (int(v) for v in box)
    if w <= 2 or h <= 2:
        return None
    for margin in MARGINS:  # a long tail leaves a small crop: look wider before giving up
        pad = int(margin * max(w, h))
        x0, y0 = max(0, x - pad), max(0, y - pad)
        x1, y1 = min(width, x + w + pad), min(height, y + h + pad)
        gray = cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY)
        mask = balloon_mask(gray, (x - x0, y - y0, w, h))
        if mask is not None:
            break
    else:
        return None
    if mask.sum() > MAX_GROWTH * w * h:  # not a balloon: the light background around the text
        return None
    return _tail(mask, x0, y0)


def _tail(mask: np.ndarray, x0: int, y0: int) -> Tail | None:
    ys, xs = np.nonzero(mask)
    side = min(xs.max() - xs.min() + 1, ys.max() - ys.min() + 1)
    k = max(5, int(side * 0.35)) | 1
    body = cv2.morphologyEx(mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    if not body.any():
        return None
    grown = cv2.dilate(body, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    rest = (mask & (1 - grown)).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rest, connectivity=8)
    if count < 2:
        return None
    biggest = 1 + int(stats[1:, cv2.CC_STAT_AREA].argmax())
    ty, tx = np.nonzero(labels == biggest)
    bys, bxs = np.nonzero(body)
    cx, cy = float(bxs.mean()), float(bys.mean())
    far = int(np.argmax((tx - cx) ** 2 + (ty - cy) ** 2))
    tip = (float(tx[far]), float(ty[far]))
    dx, dy = tip[0] - cx, tip[1] - cy
    norm = float(np.hypot(dx, dy))
    # Length beyond the body: distance from the tip to the nearest body pixel.
    edge = float(np.sqrt(((bxs - tip[0]) ** 2 + (bys - tip[1]) ** 2).min()))
    if norm == 0 or edge < MIN_TAIL * side:
        return None
    return Tail(tip=(tip[0] + x0, tip[1] + y0), base=(cx + x0, cy + y0), direction=(dx / norm, dy / norm),
                length=edge)
