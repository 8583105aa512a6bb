"""Profile pictures: read by their content (never their name), refused when they are not a
picture, too large or a decompression bomb, then resized and re-encoded (which also drops
their metadata, such as where a photo was taken)."""
from __future__ import annotations

import hashlib
import io
import warnings

from sqlalchemy.orm import Session

from i18n import N_

from ..core.clock import now
from ..core.errors import FieldInvalid, NotFound
from .models import User, UserPicture

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000          # a 40-megapixel photo is fine; more is a bomb or a poster
SIDE = 512
MEGAPIXELS = MAX_PIXELS // 1_000_000
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")


def _refuse(message: str, **values) -> FieldInvalid:
    return FieldInvalid("picture", [message], values)


def normalise(raw: bytes) -> bytes:
    """The picture as stored: JPEG, at most SIDE pixels a side, no metadata."""
    from PIL import Image, UnidentifiedImageError

    if not raw:
        raise _refuse(N_("the picture is empty"))
    if len(raw) > MAX_BYTES:
        raise _refuse(N_("the picture is larger than {mb} MB"), mb=MAX_BYTES // (1024 * 1024))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw), formats=FORMATS) as img:
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise _refuse(N_("the picture has {width}x{height} pixels: at most {mp} megapixels"),
                                  width=width, height=height, mp=MEGAPIXELS)
                img.thumbnail((SIDE, SIDE))
                flat = Image.new("RGB", img.size, "white")
                rgba = img.convert("RGBA")
                flat.paste(rgba, mask=rgba.getchannel("A"))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _refuse(N_("the picture has too many pixels: at most {mp} megapixels"),
                      mp=MEGAPIXELS) from exc
    except UnidentifiedImageError as exc:
        raise _refuse(N_("not a JPEG, PNG, WebP or GIF picture")) from exc
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt data
        raise _refuse(N_("the picture is damaged and cannot be read")) from exc
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def save(db: Session, user: User, raw: bytes) -> UserPicture:
    data = normalise(raw)
    row = db.get(UserPicture, user.id) or UserPicture(tenant_id=user.tenant_id,
                                                      user_id=user.id)
    row.data, row.updated_at = data, now()
    row.etag = hashlib.sha256(data).hexdigest()[:32]
    db.add(row)
    db.commit()
    return row


def get(db: Session, user: User) -> UserPicture:
    row = db.get(UserPicture, user.id)
    if row is None or row.tenant_id != user.tenant_id:
        raise NotFound(N_("User {id} has no picture"), values={"id": user.id})
    return row


def delete(db: Session, user: User) -> None:
    db.delete(get(db, user))
    db.commit()
