"""Small vocabulary shared by the exporters and readers of the exchange formats."""

from __future__ import annotations

import json

from annotator import __version__

CREATOR = f"Comic Panel Annotator {__version__}"
LANGUAGES = {"zh": "Chinese", "en": "English", "ja": "Japanese", "ko": "Korean"}  # PAGE language names
LANG_CODES = {v: k for k, v in LANGUAGES.items()}
OCR_MARK = "ocr"  # first word of a PAGE TextEquiv/ALTO comment that holds an engine reading


def points(polygon) -> str:
    """PAGE ``Coords/@points``: integer pixels, "x,y x,y ..."."""
    return " ".join(f"{round(x)},{round(y)}" for x, y in polygon)


def parse_points(text: str) -> list[list[float]]:
    out = []
    for pair in (text or "").split():
        x, _, y = pair.partition(",")
        out.append([float(x), float(y)])
    return out


def parse_custom(text: str | None) -> dict[str, dict[str, str]]:
    """Transkribus ``custom`` attribute: ``readingOrder {index:0;} structure {type:speech;}``."""
    out: dict[str, dict[str, str]] = {}
    for chunk in (text or "").split("}"):
        name, _, body = chunk.partition("{")
        if not body:
            continue
        values = {}
        for pair in body.split(";"):
            key, _, value = pair.partition(":")
            if key.strip():
                values[key.strip()] = value.strip().replace("\\u0020", " ")
        out[name.strip()] = values
    return out


def custom(**groups: dict) -> str:
    return " ".join(f"{name} {{{''.join(f'{k}:{v};' for k, v in values.items())}}}" for name, values in groups.items())


def note(**values) -> str:
    """A small JSON object for a ``comments`` attribute (coder and memo of a coding)."""
    return json.dumps({k: v for k, v in values.items() if v}, ensure_ascii=False, sort_keys=True)


def read_note(text: str | None) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
