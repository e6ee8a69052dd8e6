"""Content disarm for pictures: every PNG and JPEG is decoded and written again with Pillow.

**Why Pillow.** It is the maintained imaging library of the Python world (decoders fuzzed in
OSS-Fuzz, security releases within days), ships wheels with its codecs for every platform we
support, and has types. Writing our own PNG and JPEG re-encoders would mean owning two decoders;
filtering chunks and segments by hand would keep whatever we forgot to filter. Re-encoding keeps
only what is drawn: the new file holds pixels and nothing else.

What the new file loses: everything after the image's end (an appended archive or script), text
chunks and comments (``<img onerror>``, ``javascript:``, PHP), EXIF and XMP (location, camera,
thumbnails that may show an uncropped original), ICC profiles and any other ancillary data. The
EXIF orientation is applied to the pixels first, so a phone photo still stands the right way up.
Kept: the pixel size (swapped when an orientation turned the picture), PNG's colour mode, palette
and transparency (so PNG pixels are unchanged exactly), and a JPEG's own quantisation tables and
subsampling when it needs no turning (so it looks the same; JPEG is lossy, so pixels may differ
by a little).

Bombs: the pixel count is read from the header and refused above the limit before anything is
decoded; Pillow's own decompression-bomb guard stays on; truncated images are refused, never
patched up (Pillow's ``LOAD_TRUNCATED_IMAGES`` is left off).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from familyhubs_sdk.errors import EvidenceError

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = ["disarm_jpeg", "disarm_png"]

#: Quality for a JPEG that had to be turned, so its own tables cannot be reused.
_TURNED_JPEG_QUALITY = 92
#: PNG modes Pillow writes back exactly as it read them.
_PNG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"})


def _damaged(kind: str) -> EvidenceError:
    return EvidenceError(f"the {kind} file is damaged or not a picture", reason="content_mismatch")


def _decode(data: bytes, kind: str, max_pixels: int) -> Image:
    from PIL import Image, UnidentifiedImageError

    unreadable = (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError)
    bomb = (Image.DecompressionBombError, Image.DecompressionBombWarning)
    try:
        picture = Image.open(io.BytesIO(data), formats=[kind])
    except bomb as exc:
        raise EvidenceError("the picture is a decompression bomb", reason="unsafe_content") from exc
    except unreadable as exc:
        raise _damaged(kind) from exc
    width, height = picture.size
    if width * height > max_pixels:  # judged from the header, before any pixel is decoded
        raise EvidenceError(
            f"the picture is larger than {max_pixels} pixels", reason="unsafe_content"
        )
    try:
        picture.load()
    except unreadable as exc:
        raise _damaged(kind) from exc
    return picture


def _upright(picture: Image) -> tuple[Image, bool]:
    """The picture with its EXIF orientation applied to the pixels, and whether it turned."""
    from PIL import ImageOps

    orientation = picture.getexif().get(0x0112, 1)
    if orientation in (None, 1):
        return picture, False
    turned = ImageOps.exif_transpose(picture)
    return (turned, True) if turned is not None else (picture, False)


def disarm_png(data: bytes, max_pixels: int) -> bytes:
    """The PNG's first frame written again with nothing but its pixels."""
    picture, _ = _upright(_decode(data, "PNG", max_pixels))
    if picture.mode not in _PNG_MODES:
        picture = picture.convert("RGBA")
    transparency = picture.info.get("transparency")
    picture.info = {}
    out = io.BytesIO()
    options: dict[str, object] = {} if transparency is None else {"transparency": transparency}
    picture.save(out, "PNG", **options)
    return out.getvalue()


def disarm_jpeg(data: bytes, max_pixels: int) -> bytes:
    """The JPEG's pixels written again, with its own tables when it needs no turning."""
    picture, turned = _upright(_decode(data, "JPEG", max_pixels))
    if picture.mode not in ("L", "RGB", "CMYK"):
        picture = picture.convert("RGB")
    picture.info = {}
    out = io.BytesIO()
    if turned or not hasattr(picture, "quantization"):
        picture.save(out, "JPEG", quality=_TURNED_JPEG_QUALITY)
    else:
        picture.save(out, "JPEG", quality="keep", subsampling="keep")
    return out.getvalue()
