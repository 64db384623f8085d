"""Folding text for search, so a query matches however the text was typed or printed.

Index and query go through the same ``fold``: NFKC (full-width letters, digits and punctuation
become half-width), case folding, traditional to simplified Chinese with OpenCC (``t2s``), and
runs of white space collapsed to one space. ``fold_map`` also says where each folded character
came from, so a match found in folded text can be highlighted in the text the reader sees.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACE = re.compile(r"\s+")
# Chinese, Japanese and Korean scripts: searched as substrings (no spaces between words).
_CJK_RANGES = (
    (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0x20000, 0x3134F),
)
_WORD = re.compile(r"[^\W_]+")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _CJK_RANGES)


def has_cjk(text: str) -> bool:
    return any(is_cjk(ch) for ch in text)


def _visible(ch: str) -> bool:
    """Control and format characters (NUL, zero-width spaces, direction marks) are not searched."""
    return ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cf")


def _fold_piece(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return folded if all(_visible(c) for c in folded) else "".join(c for c in folded if _visible(c))


def fold(text: str | None) -> str:
    """The searchable form of a text (see the module docstring)."""
    if not text:
        return ""
    folded = _converter().convert(_fold_piece(text))
    return _SPACE.sub(" ", folded).strip()


def fold_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` plus, for each folded character, the index of its source character.

    Built per character; when per-character folding disagrees with folding the whole text
    (a composed accent, a phrase OpenCC converts as a unit) positions are spread evenly,
    which is close enough for highlighting.
    """
    folded = fold(text)
    chars: list[str] = []
    origin: list[int] = []
    pending_space: int | None = None
    for i, ch in enumerate(text):
        piece = _fold_piece(ch)
        if not piece.strip():
            if chars and pending_space is None:
                pending_space = i
            continue
        if pending_space is not None:
            chars.append(" ")
            origin.append(pending_space)
            pending_space = None
        for c in piece:
            chars.append(c)
            origin.append(i)
    converted = _converter().convert("".join(chars)) if chars else ""
    if converted == folded and len(origin) == len(folded):
        return folded, origin
    n = max(1, len(folded))
    return folded, [min(len(text) - 1, int(i * len(text) / n)) for i in range(len(folded))]


def words(folded: str) -> list[str]:
    """Word tokens of folded text: letter and digit runs outside the CJK scripts."""
    cleaned = "".join(" " if is_cjk(ch) else ch for ch in folded)
    return _WORD.findall(cleaned)


def grams(folded: str) -> list[str]:
    """Single CJK characters and adjacent CJK pairs: the index for one- and two-character queries."""
    out: list[str] = []
    previous = ""
    for ch in folded:
        if is_cjk(ch):
            out.append(ch)
            if previous:
                out.append(previous + ch)
            previous = ch
        else:
            previous = ""
    return out
