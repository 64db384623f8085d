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
_CJK_CLASS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_CJK = re.compile(f"[{_CJK_CLASS}]")
_CJK_RUN = re.compile(f"[{_CJK_CLASS}]+")
_WORD = re.compile(r"[^\W_]+")
# Control and format characters (NUL, zero-width spaces, direction marks, BOM) are not searched.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                        "\ufeff]")


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def is_cjk(ch: str) -> bool:
    return _CJK.match(ch) is not None


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


@lru_cache(maxsize=65536)
def _fold_piece(text: str) -> str:
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text).casefold())


def fold(text: str | None) -> str:
    """The searchable form of a text (see the module docstring)."""
    if not text:
        return ""
    folded = _converter().convert(_fold_piece(text))
    return _SPACE.sub(" ", folded).strip()


@lru_cache(maxsize=4096)
def fold_map(text: str) -> tuple[str, tuple[int, ...]]:
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
        return folded, tuple(origin)
    n = max(1, len(folded))
    return folded, tuple(min(len(text) - 1, int(i * len(text) / n)) for i in range(len(folded)))


def word_spans(folded: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of each word token: letter and digit runs outside the CJK scripts."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(_CJK.sub(" ", folded))]


def words(folded: str) -> list[str]:
    return _WORD.findall(_CJK.sub(" ", folded))


def grams(folded: str) -> list[str]:
    """Single CJK characters and adjacent CJK pairs: the index for one- and two-character queries."""
    out: list[str] = []
    for run in _CJK_RUN.findall(folded):
        out.extend(run)
        out.extend(run[i:i + 2] for i in range(len(run) - 1))
    return out
