"""Text geometry on comic pages: grouping detected lines into balloons and reading order.

Every threshold here is relative to a size measured on the page itself (the thickness of
a text line, i.e. the glyph size, or the size of a balloon), never to the corpus font:
real manhua letter at 15-80 px and we must behave the same at every scale.

- ``group_lines``: lines of one balloon are stacked at less than about one glyph apart and
  share orientation; neighbouring balloons are separated by their margins and outlines.

Balloon bodies, the OpenCV balloon finder and ink layout live in ``balloons``.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from annotator import geometry
from annotator.vision.shapes import BBox, Point, bbox_of


@dataclass(frozen=True)
class TextLine:
    """One detected line (or vertical column) on a page, in page pixels; text is '' for detect-only engines."""

    polygon: list[Point]
    text: str = ""
    confidence: float = 1.0

    @property
    def bbox(self) -> BBox:
        return bbox_of(self.polygon)


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3000 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x2FFFF


def guess_lang(text: str) -> str:
    """'zh' when CJK characters outnumber Latin letters, else 'en'."""
    cjk = sum(is_cjk(c) for c in text)
    latin = sum(c.isascii() and c.isalpha() for c in text)
    return "zh" if cjk >= max(1, latin // 4) or (cjk and not latin) else "en"


_HALF_TO_FULL = str.maketrans({",": "，", ".": "。", "?": "？", "!": "！", ":": "：", ";": "；"})


def cjk_punctuation(text: str, marks: dict[str, str] | None = None) -> str:
    """Full-width punctuation in Chinese text (recognisers emit ASCII ',' '.' after CJK glyphs).

    ``marks`` are an engine's known misreadings of small CJK marks (``OcrEngine.misread_marks``):
    such a character right after a CJK glyph is put back as the mark. Nothing else is rewritten.
    """
    marks = marks or {}
    out = []
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else ""
        if ch in ",.?!:;" and prev and is_cjk(prev) and not (i + 1 < len(text) and text[i + 1].isdigit()):
            ch = ch.translate(_HALF_TO_FULL)
        elif ch in marks and prev and is_cjk(prev):
            ch = marks[ch]
        out.append(ch)
    return "".join(out)


def join_lines(texts: list[str], stops: frozenset[str] = frozenset(), marks: dict[str, str] | None = None) -> str:
    """Join lines as printed: no separator around CJK (truth convention), one space between Latin lines.

    ``stops`` are what the engine is known to read a lone full stop as when it detects it as
    a line of its own (cut off the foot of a column): in Chinese text such a line is '。'.
    ``marks`` go to ``cjk_punctuation``. Both come from the engine (``OcrEngine``).
    """
    cjk = sum(is_cjk(c) for t in texts for c in t) > sum(c.isascii() and c.isalpha() for t in texts for c in t)
    if cjk:
        texts = ["。" if t.strip() in stops else t for t in texts]
    out = ""
    for t in (t.strip() for t in texts):
        if not t:
            continue
        if out and not is_cjk(out[-1]) and not is_cjk(t[0]):
            out += " "
        out += t
    return cjk_punctuation(out, marks) if cjk else out


def _orientation(line: TextLine) -> bool | None:
    """True for a vertical column, False for a horizontal line, None for a square (one glyph)."""
    _, _, w, h = line.bbox
    if h >= ELONGATED * w:
        return True
    if w >= ELONGATED * h:
        return False
    return None


def thickness(b: BBox) -> float:
    return float(max(1, min(b[2], b[3])))


def order_lines(lines: list[TextLine], vertical: bool | None = None) -> tuple[list[TextLine], bool]:
    """Reading order inside one balloon: columns right to left each top to bottom, or rows top to bottom."""
    if vertical is None:
        votes = [o for o in map(_orientation, lines) if o is not None]
        vertical = sum(votes) * 2 > len(votes) if votes else False
    axis, cross = (0, 1) if vertical else (1, 0)  # the axis along which bands (columns/rows) are stacked
    bands: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: ln.bbox[axis] + ln.bbox[axis + 2] / 2):
        b = line.bbox
        for band in bands:
            lo = min(x.bbox[axis] for x in band)
            hi = max(x.bbox[axis] + x.bbox[axis + 2] for x in band)
            inter = min(hi, b[axis] + b[axis + 2]) - max(lo, b[axis])
            if inter > 0.5 * min(b[axis + 2], hi - lo):
                band.append(line)
                break
        else:
            bands.append([line])
    if vertical:
        bands.reverse()  # columns right to left
    ordered = [ln for band in bands for ln in sorted(band, key=lambda ln: ln.bbox[cross])]
    return ordered, bool(vertical)


#: Gutters between lines are wider than gaps between glyphs of a line: the axis whose
#: full-length ink gaps are this much wider (median) is the axis the lines are stacked on.
GUTTER_RATIO = 1.25
#: ... and when they are this much wider, the ink alone overrules the detector's lines.
GRID_CERTAIN = 2.5


def _gaps(profile: np.ndarray) -> list[int]:
    """Lengths of the empty runs strictly inside the inked span of a 0/1 profile."""
    idx = np.flatnonzero(profile)
    if len(idx) < 2:
        return []
    inside = profile[idx[0]:idx[-1] + 1]
    edges = np.flatnonzero(np.diff(np.concatenate([[1], inside, [1]]).astype(np.int8)))
    return [int(b - a) for a, b in zip(edges[::2], edges[1::2])]


def grid_orientation(rgb: np.ndarray, boxes: list[BBox], ratio: float = GUTTER_RATIO) -> bool | None:
    """Orientation of a block of CJK text from its ink: True vertical, False horizontal, None unknown.

    CJK glyphs are set on a grid, so a block has full-height empty gaps between columns and
    full-width gaps between rows. The gaps that separate *lines* (or columns) are wider than
    those between glyphs of one line, so whichever axis has the wider gaps is the axis the
    lines are stacked along. Otsu's split inside the boxes is the ink, so text on busy art
    often gives no answer (None). Only ink inside the detector's ``boxes`` counts (not balloon
    outlines or art around them); the boxes themselves may be wrong, e.g. on widely spaced
    vertical text they often cover one glyph of each column as a short horizontal "line".
    """
    x0, y0, w, h = union_box(boxes)
    crop = rgb[y0:y0 + h, x0:x0 + w]
    gray = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY) if crop.ndim == 3 else crop
    inside = np.zeros(gray.shape, bool)
    for bx, by, bw, bh in boxes:
        inside[by - y0:by - y0 + bh, bx - x0:bx - x0 + bw] = True
    values = gray[inside]
    if values.size == 0 or int(values.max()) - int(values.min()) < 48:
        return None
    t, _ = cv2.threshold(values.reshape(-1, 1), 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    dark = gray <= t
    ink = (dark if dark[inside].mean() < 0.5 else ~dark) & inside
    col_gaps = _gaps(ink.any(axis=0).astype(np.uint8))
    row_gaps = _gaps(ink.any(axis=1).astype(np.uint8))
    c = float(np.median(col_gaps)) if col_gaps else 0.0
    r = float(np.median(row_gaps)) if row_gaps else 0.0
    if c > ratio * r and c >= 2:
        return True
    if r > ratio * c and r >= 2:
        return False
    return None


def cut_across(rgb: np.ndarray, lines: list[TextLine], vertical: bool, clean: bool) -> bool:
    """True when the detector's "lines" of a CJK block run across its real lines.

    On widely spaced vertical lettering the detector returns one short row per glyph level
    (a glyph of each column), and on a two-line horizontal balloon it may return one short
    column per glyph position. Either is plain when the ink's gutters run across the lines
    by a wide margin (``GRID_CERTAIN``). Rows cut across columns also show in the geometry:
    more rows than glyphs in the longest, stacked into a tall block (a horizontal balloon
    is rarely that narrow) and, inside a balloon (``clean``), ink that does not confirm the
    rows. The same geometry for columns is ordinary manga lettering, so it needs the ink.
    """
    texts = [ln.text.strip() for ln in lines]
    if len(lines) < 2 or not all(texts) or not all(is_cjk(t[0]) or is_cjk(t[-1]) for t in texts):
        return False
    ink = grid_orientation(rgb, [ln.bbox for ln in lines], GRID_CERTAIN)
    if ink is not None and ink is not vertical:
        return True  # the ink's gutters plainly run the other way (e.g. brush columns on paper)
    if vertical or len(lines) <= max(len(t) for t in texts):
        return False  # many short columns side by side are common (manga): only the ink can say
    x, y, w, h = union_box([ln.bbox for ln in lines])
    if h < ELONGATED * w:
        return False
    # on a clean balloon the ink gaps are reliable and may veto; on art they are not
    return not clean or grid_orientation(rgb, [ln.bbox for ln in lines]) is not vertical


#: A block counts as elongated along an axis when it is this many times longer than wide.
ELONGATED = 1.3


def glyph_text(lines: list[TextLine], vertical: bool) -> str:
    """Re-read CJK lines glyph by glyph in the block's true orientation.

    CJK glyphs have one pitch, so glyph i of an n-glyph line sits at the i-th nth of its box.
    Placing every glyph so and regrouping them into columns (right to left, each top to
    bottom) or rows (top to bottom, each left to right) undoes a detector that cut the block
    across its lines.
    """
    cells: list[tuple[float, float, str]] = []
    pitch = []
    for ln in lines:
        x, y, w, h = ln.bbox
        t = ln.text.strip()
        if not t:
            continue
        n = len(t)
        along_x = w >= h
        pitch.append((w if along_x else h) / n)
        for i, ch in enumerate(t):
            f = (i + 0.5) / n
            cells.append((x + f * w, y + h / 2, ch) if along_x else (x + w / 2, y + f * h, ch))
    if not cells:
        return ""
    step = 0.5 * float(np.median(pitch))
    cross = 0 if vertical else 1  # the coordinate that tells the lines apart
    bands: list[list[tuple[float, float, str]]] = []
    for cell in sorted(cells, key=lambda c: c[cross]):
        if bands and cell[cross] - np.mean([c[cross] for c in bands[-1]]) <= step:
            bands[-1].append(cell)
        else:
            bands.append([cell])
    if vertical:
        bands.reverse()
    return "".join(c[2] for band in bands for c in sorted(band, key=lambda c: c[1 - cross]))


#: Lines of one balloon have about the same thickness (glyph size): at most this ratio.
SAME_SIZE = 1.8
#: Lines of one balloon are stacked less than this many glyphs apart (leading, column gaps);
#: neighbouring balloons are further apart because of their margins and outlines.
LINE_GAP = 0.9
#: Two lines' bodies are one balloon when their boxes overlap at least this much (IoU).
SAME_BODY_IOU = 0.5


def _single_glyph(line: TextLine) -> bool:
    """A one-glyph detection (often punctuation cut off a column) has no reliable size or orientation."""
    return len(line.text.strip()) == 1 or (not line.text and _orientation(line) is None)


def group_lines(lines: list[TextLine], bodies: list | None = None) -> list[list[TextLine]]:
    """Cluster detected lines into balloons by orientation, glyph size and gaps under about one glyph.

    ``bodies`` (one ``balloons.Body`` or None per line) keeps lines of two different balloons apart
    even when their text blocks almost touch.
    """
    n = len(lines)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    boxes = [ln.bbox for ln in lines]
    orient = [_orientation(ln) for ln in lines]
    for i in range(n):
        for j in range(i + 1, n):
            a, b = boxes[i], boxes[j]
            ta, tb = thickness(a), thickness(b)
            # a one-glyph detection may be a punctuation mark: small, but of the same balloon
            small_single = (_single_glyph(lines[i]) and max(a[2], a[3]) <= 1.2 * tb) or \
                (_single_glyph(lines[j]) and max(b[2], b[3]) <= 1.2 * ta)
            if max(ta, tb) > SAME_SIZE * min(ta, tb) and not small_single:
                continue
            if bodies and not _same_body(a, bodies[i], b, bodies[j]):
                continue
            if _script(lines[i].text) * _script(lines[j].text) < 0:
                continue  # a Chinese line next to an English one: two balloons
            if orient[i] is not None and orient[j] is not None and orient[i] != orient[j]:
                continue
            s = max(ta, tb)
            dx = max(a[0], b[0]) - min(a[0] + a[2], b[0] + b[2])  # gap (>0) or overlap (<0)
            dy = max(a[1], b[1]) - min(a[1] + a[3], b[1] + b[3])
            vertical = orient[i] or orient[j]
            if vertical:
                ok = (dy < 0 and dx <= LINE_GAP * s) or (dx < 0 and dy <= LINE_GAP * s)
            else:
                ok = (dx < 0 and dy <= LINE_GAP * s) or (dy < 0 and dx <= LINE_GAP * s)
            if ok:
                parent[find(i)] = find(j)
    groups: dict[int, list[TextLine]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(lines[i])
    return list(groups.values())


box_iou = geometry.iou


def _script(text: str) -> int:
    """+1 for Chinese-only text, -1 for Latin-only text (two letters or more), 0 otherwise."""
    cjk = any(is_cjk(c) and c.isalpha() for c in text)
    latin = sum(c.isascii() and c.isalpha() for c in text)
    return (1 if cjk else 0) if latin < 2 else (-1 if not cjk else 0)


def _centre_in(box: BBox, body) -> bool:
    x, y, w, h = body.bbox
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    return x <= cx < x + w and y <= cy < y + h


def _same_body(a: BBox, body_a, b: BBox, body_b) -> bool:
    """False when the two lines provably sit in different balloons (or one inside, one outside)."""
    if body_a is not None and body_b is not None:
        return box_iou(body_a.bbox, body_b.bbox) >= SAME_BODY_IOU
    if body_a is not None:
        return _centre_in(b, body_a)
    if body_b is not None:
        return _centre_in(a, body_b)
    return True


def is_noise(line: TextLine) -> bool:
    """A detection that is art, not text: only symbols (●, □, |), or one stray Latin letter."""
    t = line.text.strip()
    if not line.text:
        return False  # detect-only boxes are judged after recognition
    if any(is_cjk(c) and c.isalpha() for c in t) or sum(c.isalnum() for c in t) >= 2:
        return False
    if t and all(c in "，。、？！…,.?!:;：；“”\"'‘’—-~～" or c in "oO0" for c in t):
        return False  # punctuation (a full stop is often read as 'o')
    return not (len(t) == 1 and t in "IAa")


def union_box(boxes: list[BBox]) -> BBox:
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return (x0, y0, x1 - x0, y1 - y0)


_END_MARKS = "，。、？！…；：”」』）,.?!;:°º"


def column_end_marks(rgb: np.ndarray, columns: list[TextLine], body_box: BBox | None) -> list[TextLine]:
    """Restore small punctuation the recogniser dropped at the foot of vertical columns.

    In vertical Chinese the comma or full stop after a column's last glyph sits in the upper
    right of the next cell, outside the detector's box, and is often lost. A small ink blob
    right below a column (a fifth to a half of the column width, within one glyph) is such a
    mark: a full stop after the balloon's last column, a comma elsewhere.
    """
    out = []
    for k, col in enumerate(columns):
        x, y, w, h = col.bbox
        if col.text and col.text[-1] in _END_MARKS or _orientation(col) is not True:
            out.append(col)
            continue
        y0, y1 = max(0, y + h - w), y + h + int(0.9 * w)
        if body_box is not None:
            y1 = min(y1, body_box[1] + body_box[3] - 2)
        def continues(o: TextLine) -> bool:
            ox, oy, ow, oh = o.bbox
            return o is not col and min(x + w, ox + ow) - max(x, ox) > 0.5 * min(w, ow) and \
                y + h / 2 < oy + oh / 2 and oy < y1

        if any(continues(o) for o in columns):
            out.append(col)  # the column continues in another detection: no mark here
            continue
        part = rgb[y0:max(y0, y1), max(0, x):x + w]
        win = cv2.cvtColor(np.ascontiguousarray(part), cv2.COLOR_RGB2GRAY) if part.size else part[..., 0]
        if win.size == 0 or win.shape[0] < w or int(win.max()) - int(win.min()) < 64:
            out.append(col)
            continue
        _, bw = cv2.threshold(win, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        ink = ((1 - bw) if bw.mean() > 0.5 else bw).astype(np.uint8)
        n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
        stats = [st for st in stats[1:] if st[4] >= 4]
        glyph = [st for st in stats if st[1] < 0.5 * w]  # pieces of the column's last glyph
        if not glyph:
            out.append(col)
            continue
        # the glyph's main pieces reach its bottom; small pieces (dots) may start lower
        main = max(st[4] for st in glyph)
        bottom = max(st[1] + st[3] for st in glyph if st[4] >= 0.3 * main)
        below = [st for st in stats if st[1] > bottom]
        if len(below) == 1 and 0.12 * w <= max(below[0][2], below[0][3]) <= 0.5 * w \
                and below[0][1] + below[0][3] < win.shape[0] - 1:
            col = TextLine(col.polygon, col.text + ("。" if k == len(columns) - 1 else "，"), col.confidence)
        out.append(col)
    return out
