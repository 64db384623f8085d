"""Loading page images safely and normalising them for analysis.

Every loader here decodes the pixels fully (so a truncated file fails now, not later in
the GUI), refuses decompression bombs before allocating, honours EXIF orientation and
returns 8-bit RGB whatever the file held (CMYK, 16-bit grey, palette, alpha).
"""

from __future__ import annotations

import io
import logging
import os
import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

# A WeChat episode is one image up to ~1080 x 40,000 (43 MP); allow generous headroom for
# wider scans while refusing the 10^10-pixel bombs found in the wild.
MAX_PIXELS = 150_000_000

# Pillow checks this on every open; set once here (not toggled per call, which would race
# between import threads).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"}


class ImageLoadError(ValueError):
    """A file that cannot be used as a page. The message is one line for the user."""


def _open(source: str | os.PathLike | bytes, name: str) -> Image.Image:
    is_bytes = isinstance(source, (bytes, bytearray))
    if (len(source) if is_bytes else Path(source).stat().st_size) == 0:
        raise ImageLoadError(f"{name}: empty file (0 bytes)")
    try:
        img = Image.open(io.BytesIO(source) if is_bytes else source)
        w, h = img.size
        if w * h > MAX_PIXELS:
            raise ImageLoadError(_too_big(name, w * h, f"{w}x{h}"))
        img.load()
        return img
    except ImageLoadError:
        raise
    except Image.DecompressionBombError as exc:
        found = re.search(r"\((\d+) pixels\)", str(exc))
        raise ImageLoadError(_too_big(name, int(found.group(1)) if found else None, "")) from None
    except UnidentifiedImageError:
        raise ImageLoadError(f"{name}: not an image (unrecognised format)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        msg = str(exc) or exc.__class__.__name__
        if "truncated" in msg.lower():
            raise ImageLoadError(f"{name}: image file is truncated or corrupt") from None
        raise ImageLoadError(f"{name}: cannot decode image ({msg})") from None


def _too_big(name: str, pixels: int | None, dims: str) -> str:
    size = f"{dims} " if dims else ""
    count = f"({pixels / 1e6:,.0f} MP) " if pixels else ""
    return (
        f"{name}: refused, image declares {size}{count}over the {MAX_PIXELS / 1e6:.0f} MP limit "
        "(possible decompression bomb)"
    )


def to_rgb8(img: Image.Image) -> Image.Image:
    """Convert any Pillow mode to 8-bit RGB, scaling 16/32-bit data instead of clipping it."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        if img.mode.startswith("I;16"):
            arr = arr / 257.0
        elif arr.size and arr.max() > 255:
            top = 65535.0 if arr.max() <= 65535 else float(arr.max())
            arr = arr * (255.0 / top)
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    return img.convert("RGB") if img.mode != "RGB" else img


def load_image(source: str | os.PathLike | bytes, name: str | None = None) -> Image.Image:
    """Open, fully decode and normalise a page: upright (EXIF applied), 8-bit RGB.

    Raises ``ImageLoadError`` with a one-line message for any file that is not a usable page.
    """
    label = name or (Path(source).name if not isinstance(source, (bytes, bytearray)) else "image")
    img = _open(source, label)
    try:
        img = ImageOps.exif_transpose(img)
    except Exception as exc:  # a broken EXIF block must not make a readable page unusable
        log.warning("%s: EXIF orientation unreadable (%s); page kept as stored", label, exc)
    return to_rgb8(img)


#: A page whose long side is at least this many times its short side is a long strip
#: (webtoon / WeChat strips, horizontal newspaper strips): panels are then cut at a fixed
#: working width and OCR reads it in bands. Tall book pages are about 1.4:1, two-page
#: spreads 1:1.4, four-panel strips 3:1 and more. The importer, segmentation and OCR all ask
#: ``is_long_strip``, so they never disagree about a page.
STRIP_RATIO = 2.0


def is_long_strip(width: int, height: int) -> bool:
    return max(width, height) >= STRIP_RATIO * max(1, min(width, height))


def is_vertical_strip(width: int, height: int) -> bool:
    """A long strip read top to bottom (the importer's page kind "strip")."""
    return height > width and is_long_strip(width, height)


def as_rgb_array(image: np.ndarray | Image.Image) -> np.ndarray:
    """Normalise any image-like input (gray, RGBA, 16-bit, float, PIL) to an HxWx3 uint8 RGB array.

    Vision functions accept what users pass them; this is the one place that decides how.
    """
    if isinstance(image, Image.Image):
        return np.asarray(to_rgb8(image))
    arr = np.asarray(image)
    if arr.size and arr.shape[0] * (arr.shape[1] if arr.ndim > 1 else 1) > MAX_PIXELS:
        raise ImageLoadError(
            f"image is {arr.shape[1]}x{arr.shape[0]}, over the {MAX_PIXELS / 1e6:.0f} MP limit"
        )
    if arr.dtype == np.uint16:
        arr = (arr / 257).astype(np.uint8)
    elif arr.dtype.kind == "f":
        scale = 255.0 if arr.size and arr.max() <= 1.0 else 1.0
        arr = np.clip(arr * scale, 0, 255).astype(np.uint8)
    elif arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    elif arr.ndim == 3 and arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
    elif arr.ndim == 3 and arr.shape[2] == 4:
        alpha = arr[:, :, 3:4].astype(np.float32) / 255.0
        arr = (arr[:, :, :3] * alpha + 255 * (1 - alpha)).astype(np.uint8)
    elif arr.ndim != 3 or arr.shape[2] != 3:
        raise ImageLoadError(f"unsupported image array shape {arr.shape}")
    return np.ascontiguousarray(arr)


def load_array(source: str | os.PathLike | bytes, name: str | None = None) -> np.ndarray:
    """``load_image`` as an HxWx3 uint8 RGB array."""
    return np.asarray(load_image(source, name))
