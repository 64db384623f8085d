"""OCR engines behind one interface, and the registry the CLI and batch service use.

``get_engine(name)`` returns a light object (heavy models load on first use and are
kept once per process), so a worker process can build its engine from the name alone;
engines also pickle by their constructor arguments. ``engine_fingerprint`` is the cache
key part that changes whenever the results could change.
"""

from __future__ import annotations

import hashlib
import json

from annotator.vision.ocr.base import (
    EngineUnavailable,
    OcrCancelled,
    OcrEngine,
    OcrError,
    OcrTimeout,
    Recognition,
    TextLine,
)
from annotator.vision.ocr.rapid import RapidEngine
from annotator.vision.ocr.tesseract import TesseractEngine

#: Engines in order of preference: the first available one is the default.
ENGINES: dict[str, type[OcrEngine]] = {"rapidocr": RapidEngine, "tesseract": TesseractEngine}

#: Bump when the page pipeline (grouping, ordering, body finding) changes results.
PIPELINE_VERSION = 2


def get_engine(name: str | OcrEngine | None = None, **options) -> OcrEngine:
    """An engine by name (``None``: the best installed one). Raises ``EngineUnavailable``."""
    if isinstance(name, OcrEngine):
        return name
    if name is None:
        errors = []
        for cls in ENGINES.values():
            engine = cls(**options)
            try:
                engine.check()
                return engine
            except EngineUnavailable as exc:
                errors.append(str(exc))
        raise EngineUnavailable("no OCR engine installed: " + "; ".join(errors))
    try:
        cls = ENGINES[name.lower()]
    except KeyError:
        raise EngineUnavailable(f"unknown OCR engine {name!r}; known: {', '.join(ENGINES)}") from None
    engine = cls(**options)
    engine.check()
    return engine


def available_engines() -> list[str]:
    """Names of the engines that can run here, best first."""
    return [name for name, cls in ENGINES.items() if cls().available()]


def describe_engines() -> list[dict]:
    """One dict per known engine for ``annotator ocr --engines``: name, version, languages, available, error."""
    out = []
    for name, cls in ENGINES.items():
        engine = cls()
        try:
            engine.check()
            error = None
        except EngineUnavailable as exc:
            error = str(exc)
        out.append({"name": name, "version": engine.version, "languages": list(engine.languages),
                    "available": error is None, "error": error})
    return out


def engine_fingerprint(engine: str | OcrEngine | None, settings: dict | None = None) -> str:
    """Stable hex key of engine name + version + engine settings + caller settings (e.g. lang) + pipeline version."""
    engine = get_engine(engine)
    payload = {"engine": engine.name, "version": engine.version, "engine_settings": engine.settings(),
               "settings": settings or {}, "pipeline": PIPELINE_VERSION}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:32]


__all__ = [
    "ENGINES", "PIPELINE_VERSION", "EngineUnavailable", "OcrCancelled", "OcrEngine", "OcrError", "OcrTimeout",
    "Recognition", "TextLine", "RapidEngine", "TesseractEngine", "available_engines", "describe_engines",
    "engine_fingerprint", "get_engine",
]
