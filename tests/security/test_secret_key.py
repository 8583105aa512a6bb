"""Token signing keys: never one that was published, generated privately for development,
required in production."""
from __future__ import annotations

import hashlib
import os
import stat
from datetime import datetime, timezone

import jwt
import pytest

from api.config import _PUBLISHED_KEYS, Settings

FORMER_DEFAULT = "dev-only-secret-change-me-in-production-0123456789"
FORMER_TEST_KEY = "test-secret-key-0123456789abcdef0123456789"


@pytest.mark.parametrize("key", [FORMER_DEFAULT, FORMER_TEST_KEY])
@pytest.mark.parametrize("mode", ["development", "production", "test"])
def test_a_key_that_was_published_is_refused_in_every_mode(key, mode):
    with pytest.raises(RuntimeError, match="published"):
        Settings.from_env({"APP_ENV": mode, "SECRET_KEY": key})


def test_the_published_keys_themselves_are_not_kept_in_the_source():
    assert hashlib.sha256(FORMER_DEFAULT.encode()).hexdigest() in _PUBLISHED_KEYS
    import api.config
    with open(api.config.__file__) as f:
        assert FORMER_DEFAULT not in f.read()


def test_production_refuses_to_start_without_a_key_or_with_a_short_one():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Settings.from_env({"APP_ENV": "production"})
    with pytest.raises(RuntimeError, match="32"):
        Settings.from_env({"APP_ENV": "production", "SECRET_KEY": "short"})


def test_development_generates_a_private_key_once_and_keeps_it(tmp_path):
    path = tmp_path / "var" / "secret_key"
    env = {"APP_ENV": "development", "SECRET_KEY_FILE": str(path)}
    first = Settings.from_env(env).secret_key
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(first) >= 32 and Settings.from_env(env).secret_key == first
    other = Settings.from_env({**env, "SECRET_KEY_FILE": str(tmp_path / "elsewhere")})
    assert other.secret_key != first


def test_a_key_file_others_can_read_is_refused(tmp_path):
    path = tmp_path / "secret_key"
    path.write_text("k" * 48)
    path.chmod(0o644)
    with pytest.raises(RuntimeError, match="chmod 600"):
        Settings.from_env({"APP_ENV": "development", "SECRET_KEY_FILE": str(path)})


def test_a_token_forged_with_the_former_default_key_is_not_accepted(app, client):
    from tests.support.api import login, make_company
    c = make_company(app)
    real = jwt.decode(login(client, c.admin_mobile)["access_token"],
                      options={"verify_signature": False})
    forged = jwt.encode({**real, "exp": int(datetime.now(timezone.utc).timestamp()) + 600},
                        FORMER_DEFAULT, algorithm="HS256")
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401
