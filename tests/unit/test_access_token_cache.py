"""A verified access token's claims are remembered per token string (the signature is
checked once per worker), and that never lets through what the check itself would refuse:
expiry is checked on every use, and a token that differs in any character is checked anew."""
from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

from api.accounts import tokens
from api.accounts.tokens import AccessClaims, make_access_token, read_access_token

SECRET = "s3cret-for-the-cache-tests-0123456789abcdef"
AT = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
CLAIMS = AccessClaims(user_id=7, tenant_id=3, session_id=11)


def _token(ttl_s: int = 900, secret: str = SECRET, claims: AccessClaims = CLAIMS) -> str:
    return make_access_token(secret, claims, AT, ttl_s)


def test_a_cached_token_is_refused_once_it_has_expired():
    token = _token(ttl_s=60)
    assert read_access_token(SECRET, token, AT) == CLAIMS
    hits = tokens._verified.cache_info().hits
    assert read_access_token(SECRET, token, AT + timedelta(seconds=59)) == CLAIMS
    assert tokens._verified.cache_info().hits == hits + 1   # from the cache
    assert read_access_token(SECRET, token, AT + timedelta(seconds=60)) is None
    assert read_access_token(SECRET, token, AT + timedelta(days=1)) is None


def test_an_altered_signature_is_refused_after_the_genuine_token_was_cached():
    token = _token()
    assert read_access_token(SECRET, token, AT) == CLAIMS
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert read_access_token(SECRET, f"{head}.{payload}.{flipped}", AT) is None


def test_claims_swapped_under_a_cached_tokens_signature_are_refused():
    token = _token()
    assert read_access_token(SECRET, token, AT) == CLAIMS
    head, _payload, signature = token.split(".")
    other = _token(claims=AccessClaims(user_id=8, tenant_id=4, session_id=12)).split(".")[1]
    assert read_access_token(SECRET, f"{head}.{other}.{signature}", AT) is None


def test_a_token_cached_under_one_key_is_not_accepted_under_another():
    token = _token()
    assert read_access_token(SECRET, token, AT) == CLAIMS
    assert read_access_token(SECRET + "-rotated", token, AT) is None


def test_an_unsigned_token_is_refused():
    token = _token()
    head = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    payload = token.split(".")[1]
    assert read_access_token(SECRET, f"{head}.{payload}.", AT) is None
