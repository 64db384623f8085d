#!/usr/bin/env python3
"""Write the hostile and unusual input files the import tests feed to the app.

    python tests/data/make_hostile.py OUT_DIR

Everything is drawn here (Pillow, numpy) from a fixed seed, so a fresh clone has the same
files as the team corpus's ``bad/`` folder without depending on it, plus a few more kinds
of damage. Each file is small; none is dangerous to open with Pillow's default limits.

| file | what | the app must |
| --- | --- | --- |
| truncated.png | first 35 % of a valid PNG page | reject: truncated |
| empty.png | zero bytes | reject: empty file |
| not-an-image.jpg | UTF-8 text named .jpg | reject: not an image |
| corrupt.jpg | a JPEG whose scan data is noise after the header | reject: truncated or corrupt |
| bomb-100000x100000.png | IHDR declares 10^10 pixels, 100 zero rows follow | reject before decoding |
| wide-header.jpg | a JPEG whose SOF header says 60000 x 60000 | reject before decoding |
| path-traversal.zip/.cbz | a page plus an entry ``../evil.txt`` | import the page, skip the entry |
| absolute-path.cbz | an entry ``/tmp/x.png`` | skip the entry |
| huge-entry.cbz | an entry whose directory record claims 4 GB | skip the entry before inflating |
| truncated.cbz | a valid archive cut in half | reject: not a readable archive |
| text.cbz | a text file named .cbz | reject |
| valid-3-pages.cbz | three JPEG pages 001..003 | import three pages in order |
| two-pages.pdf | two-page PDF at 150 dpi | import two pages |
| corrupt.pdf | a PDF with its body overwritten | reject: not a readable PDF |
| encrypted.pdf | a PDF with an /Encrypt dictionary it cannot satisfy | reject: not a readable PDF |
| exif-orientation-6.jpg | pixels turned 90 deg CCW, EXIF says rotate back | import upright |
| gray16.png | 16-bit grayscale | import, scaled 16 -> 8 bit |
| cmyk.jpg | CMYK JPEG | import as RGB |
| 西山矿区-第8页.png | a valid page with a Chinese name | import, name intact |

``references`` (returned by :func:`build`) maps each valid file to the upright RGB page it shows.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SEED = 15


def grid_page(seed: int, size: tuple[int, int] = (600, 850), rows: int = 2, cols: int = 2) -> Image.Image:
    """A bordered page: white gutters, framed panels of flat colour with a few shapes each."""
    rng = np.random.default_rng(seed)
    w, h = size
    img = Image.new("RGB", size, (255, 255, 255))
    d = ImageDraw.Draw(img)
    m, g = 30, 20
    pw, ph = (w - 2 * m - (cols - 1) * g) // cols, (h - 2 * m - (rows - 1) * g) // rows
    for r in range(rows):
        for c in range(cols):
            x, y = m + c * (pw + g), m + r * (ph + g)
            d.rectangle([x, y, x + pw, y + ph], fill=tuple(int(v) for v in rng.integers(120, 240, 3)),
                        outline=(0, 0, 0), width=4)
            for _ in range(3):
                cx, cy, rad = rng.integers(x + 30, x + pw - 30), rng.integers(y + 30, y + ph - 30), rng.integers(10, 30)
                d.ellipse([cx - rad, cy - rad, cx + rad, cy + rad], fill=tuple(int(v) for v in rng.integers(0, 120, 3)))
    return img


def png_bytes(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", **kw)
    return buf.getvalue()


def jpeg_bytes(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, **kw)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bomb_png(width: int = 100_000, height: int = 100_000, rows: int = 100) -> bytes:
    """A PNG header declaring width x height 8-bit gray, valid CRCs, then a few zero rows and no end."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\0" * ((width + 1) * rows), 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat)


def wide_jpeg(size: int = 60_000) -> bytes:
    """A small real JPEG whose SOF0 frame header is patched to claim size x size pixels."""
    data = bytearray(jpeg_bytes(Image.new("RGB", (16, 16), (200, 200, 200))))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", size, size)
    return bytes(data)


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def claim_size(archive: bytes, entry: str, size: int) -> bytes:
    """Patch the central directory so ``entry`` claims ``size`` uncompressed bytes (a zip-bomb's lie)."""
    data = bytearray(archive)
    pos = data.index(b"PK\x01\x02")
    while True:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len].decode() == entry:
            struct.pack_into("<I", data, pos + 24, size)
            return bytes(data)
        extra, comment = struct.unpack_from("<HH", data, pos + 30)
        pos += 46 + name_len + extra + comment


def pdf_bytes(pages: list[Image.Image]) -> bytes:
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", resolution=150, save_all=True, append_images=pages[1:])
    return buf.getvalue()


ENCRYPTED_PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
4 0 obj << /Filter /Standard /V 2 /R 3 /Length 128 /P -4
/O <0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef>
/U <fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210> >> endobj
trailer << /Root 1 0 R /Encrypt 4 0 R /Size 5
/ID [<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>] >>
%%EOF
"""


def build(out: Path) -> dict[str, Image.Image]:
    """Write every file into ``out``; return the upright RGB reference of each valid image file."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    pages = [grid_page(SEED + i) for i in range(8)]
    refs: dict[str, Image.Image] = {}

    def write(name: str, data: bytes) -> None:
        (out / name).write_bytes(data)

    full = png_bytes(pages[0])
    write("truncated.png", full[: int(len(full) * 0.35)])
    write("empty.png", b"")
    write("not-an-image.jpg", "这不是图片。This is not an image.\n".encode())
    corrupt = bytearray(jpeg_bytes(pages[1]))
    start = corrupt.index(b"\xff\xda") + 20  # after the start-of-scan header
    corrupt[start:] = np.random.default_rng(SEED).integers(0, 255, len(corrupt) - start, np.uint8).tobytes()
    write("corrupt.jpg", bytes(corrupt))
    write("bomb-100000x100000.png", bomb_png())
    write("wide-header.jpg", wide_jpeg())

    traversal = zip_bytes({"001.png": png_bytes(pages[2]), "../evil.txt": b"written outside"})
    write("path-traversal.zip", traversal)
    write("path-traversal.cbz", traversal)
    write("absolute-path.cbz", zip_bytes({"/tmp/x.png": png_bytes(pages[2]), "002.png": png_bytes(pages[3])}))
    write("huge-entry.cbz", claim_size(zip_bytes({"001.png": png_bytes(pages[2]), "002.png": png_bytes(pages[3])}),
                                       "001.png", 0xFFFFFFF0))
    valid = zip_bytes({f"00{i + 1}.jpg": jpeg_bytes(pages[3 + i]) for i in range(3)})
    write("valid-3-pages.cbz", valid)
    write("truncated.cbz", valid[: len(valid) // 2])
    write("text.cbz", b"just text, not an archive\n")

    write("two-pages.pdf", pdf_bytes([pages[4], pages[5]]))
    pdf = bytearray(pdf_bytes([pages[4]]))
    pdf[20:-30] = b"\0" * (len(pdf) - 50)
    write("corrupt.pdf", bytes(pdf))
    write("encrypted.pdf", ENCRYPTED_PDF)

    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    write("exif-orientation-6.jpg", jpeg_bytes(pages[5].rotate(90, expand=True), exif=exif.tobytes()))
    refs["exif-orientation-6.jpg"] = pages[5]
    gray = np.asarray(pages[6].convert("L")).astype(np.uint16) * 257
    write("gray16.png", png_bytes(Image.fromarray(gray)))
    refs["gray16.png"] = pages[6].convert("L").convert("RGB")
    write("cmyk.jpg", jpeg_bytes(pages[7].convert("CMYK")))
    refs["cmyk.jpg"] = pages[7]
    write("西山矿区-第8页.png", png_bytes(pages[0]))
    refs["西山矿区-第8页.png"] = pages[0]
    return refs


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.splitlines()[2].strip())
    build(Path(sys.argv[1]))
