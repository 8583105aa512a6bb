"""Profile pictures: checked by content, resized, served with caching headers; bad files,
bombs and foreign ids are clear problems and leave the current picture as it was."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from sqlalchemy import select

from api.accounts.models import User
from tests.support.api import auth, make_company


def _png(width: int, height: int, colour="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def _claims_size(png: bytes, width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size (a decompression bomb's first bytes)."""
    ihdr = struct.pack(">II", width, height) + png[24:29]
    chunk = b"IHDR" + ihdr
    return png[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) \
        + png[33:]


def _upload(client, path, h, data: bytes, content_type="image/png"):
    return client.put(path, headers=h, content_type=content_type, data=data)


def test_a_photo_is_resized_stripped_and_served_with_an_etag_the_app_can_revalidate(
        app, db, client):
    company = make_company(app)
    alice = db.scalar(select(User).where(User.mobile == company.users["alice"]))
    h = auth(client, company.users["alice"])
    photo = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"
    Image.new("RGB", (2000, 1000), "blue").save(photo, "JPEG", exif=exif)
    r = _upload(client, "/api/v1/me/picture", h, photo.getvalue(),
                content_type="text/plain")  # what it says it is does not matter
    assert r.status_code == 204, r.get_json()

    bob = auth(client, company.users["bob"])
    shown = client.get(f"/api/v1/users/{alice.id}/picture", headers=bob)
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert "max-age" in shown.headers["Cache-Control"]
    with Image.open(io.BytesIO(shown.data)) as img:
        assert img.size == (512, 256) and not img.getexif()
    again = client.get(f"/api/v1/users/{alice.id}/picture", headers={
        **bob, "If-None-Match": shown.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_files_that_are_no_picture_or_a_bomb_are_refused_and_the_old_picture_stays(
        app, db, client):
    company = make_company(app)
    alice = db.scalar(select(User).where(User.mobile == company.users["alice"]))
    h = auth(client, company.users["alice"])
    assert _upload(client, "/api/v1/me/picture", h, _png(40, 40)).status_code == 204
    kept = client.get(f"/api/v1/users/{alice.id}/picture", headers=h).headers["ETag"]
    for bad, words in ((b"%PDF-1.7 not a picture", "not a JPEG"),
                       (_claims_size(_png(8, 8), 60000, 60000), "megapixels"),
                       (_claims_size(_png(8, 8), 8000, 8000), "8000x8000"),
                       (_png(40, 40)[:60], "picture"),
                       (b"", "empty")):
        r = _upload(client, "/api/v1/me/picture", h, bad)
        assert r.status_code == 422, (words, r.get_json())
        assert r.content_type == "application/problem+json"
        assert words in r.get_json()["detail"]
    assert client.get(f"/api/v1/users/{alice.id}/picture", headers=h).headers["ETag"] == kept


def test_an_administrator_sets_a_colleagues_picture_and_the_log_says_so_but_not_abroad(
        app, db, client):
    ours, theirs = make_company(app), make_company(app)
    alice = db.scalar(select(User).where(User.mobile == ours.users["alice"]))
    stranger = db.scalar(select(User).where(User.mobile == theirs.users["alice"]))
    admin = auth(client, ours.admin_mobile)
    assert _upload(client, f"/api/v1/users/{alice.id}/picture", admin,
                   _png(10, 10)).status_code == 204
    [event] = client.get("/api/v1/audit-events", headers=admin,
                         query_string={"object_type": "picture"}).get_json()
    assert event["kind"] == "picture_updated" and event["object_id"] == alice.id
    assert _upload(client, f"/api/v1/users/{stranger.id}/picture", admin,
                   _png(10, 10)).status_code == 404
    assert client.get(f"/api/v1/users/{stranger.id}/picture", headers=admin).status_code == 404
    plain = auth(client, ours.users["bob"])
    assert _upload(client, f"/api/v1/users/{alice.id}/picture", plain,
                   _png(10, 10)).status_code == 403
    assert client.delete(f"/api/v1/users/{alice.id}/picture", headers=admin).status_code == 204
    assert client.get(f"/api/v1/users/{alice.id}/picture", headers=admin).status_code == 404
