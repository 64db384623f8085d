"""Content-addressed media files and their thumbnails.

Files are written to a temporary name, flushed and renamed into place, so a crash leaves
either the whole file or nothing; the database row pointing at it is committed only after.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

from PIL import Image

from annotator.vision.images import load_image

THUMB_BOX = (200, 280)
FORMAT_SUFFIX = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "GIF": ".gif", "BMP": ".bmp", "TIFF": ".tif",
                 "MPO": ".jpg"}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def media_relpath(sha: str, suffix: str) -> str:
    return f"media/{sha[:2]}/{sha}{suffix}"


def thumb_relpath(sha: str) -> str:
    return f"cache/thumbs/{sha[:2]}/{sha}.jpg"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_thumbnail(img: Image.Image) -> bytes:
    """A JPEG thumbnail; tall strips show their top rather than a sliver of the whole."""
    box_w, box_h = THUMB_BOX
    w, h = img.size
    if h > w * box_h / box_w * 1.5:
        img = img.crop((0, 0, w, min(h, int(w * box_h / box_w))))
    thumb = img.copy() if img.size[0] * img.size[1] < 4_000_000 else img.reduce(4)
    thumb.thumbnail(THUMB_BOX, Image.Resampling.BILINEAR)
    out = io.BytesIO()
    thumb.convert("RGB").save(out, "JPEG", quality=82)
    return out.getvalue()


def ensure_thumbnail(root: Path, sha: str, media_relative: str) -> Path:
    """The thumbnail of a stored page, made again if the cache was cleared."""
    path = root / thumb_relpath(sha)
    if not path.exists():
        write_atomic(path, make_thumbnail(load_image(root / media_relative)))
    return path
