"""Password policies (pure) and argon2id hashing."""
from __future__ import annotations

from i18n import N_

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

STANDARD = "standard"
STRICT = "strict"
POLICIES = (STANDARD, STRICT)
STRICT_MAX_AGE = timedelta(days=90)
STRICT_HISTORY = 5
RECENTLY_USED = N_("must not be one of your last {n} passwords")  # n: STRICT_HISTORY

import os

# argon2id with the library's recommended parameters; the test suite may ask for cheap ones.
_hasher = (PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
           if os.environ.get("PASSWORD_HASH_PROFILE") == "fast" else PasswordHasher())


@dataclass(frozen=True)
class Refusal:
    rule: str
    message: str


def _runs(password: str) -> list[str]:
    """Maximal runs of one character class (letters, digits, other), case-folded."""
    runs: list[str] = []
    current = ""
    kind = None
    for ch in password.casefold():
        k = "a" if ch.isalpha() else "d" if ch.isdigit() else "o"
        if k != kind and current:
            runs.append(current)
            current = ""
        kind = k
        current += ch
    if current:
        runs.append(current)
    return runs


def has_repeated_triple(password: str) -> bool:
    """A 3-character string of letters (or of digits) that occurs twice.

    The policy's own examples settle the reading: "abc12abc" repeats "abc" and is refused;
    "ab11ab12" only repeats the 2-letter "ab" (its "ab1" straddles letters and digits) and is
    accepted. So triples are taken inside runs of one character class.
    """
    seen: set[str] = set()
    for run in _runs(password):
        for i in range(len(run) - 2):
            triple = run[i:i + 3]
            if triple in seen:
                return True
            seen.add(triple)
    return False


def check_policy(policy: str, password: str) -> list[Refusal]:
    """Every rule the password breaks under the policy (empty list: accepted)."""
    out: list[Refusal] = []
    if policy == STRICT:
        if len(password) < 8:
            out.append(Refusal("min_length", N_("must be at least 8 characters")))
        if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
            out.append(Refusal("letters_and_digits", N_("must contain both letters and digits")))
        if not any(c.isupper() for c in password) or not any(c.islower() for c in password):
            out.append(Refusal("mixed_case", N_("must contain both upper and lower case letters")))
        if has_repeated_triple(password):
            out.append(Refusal("no_repeated_sequence", N_(
                "must not repeat a 3-character sequence (like 'abc' in 'abc12abc')")))
    else:
        if len(password) < 4:
            out.append(Refusal("min_length", N_("must be at least 4 characters")))
    if len(password) > 256:
        out.append(Refusal("max_length", N_("must be at most 256 characters")))
    return out


def is_expired(policy: str, changed_at: datetime | None, at: datetime) -> bool:
    return policy == STRICT and changed_at is not None and at - changed_at > STRICT_MAX_AGE


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend the same time as a real check so unknown users look like wrong passwords.
        _dummy_verify(password)
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY: str | None = None


def _dummy_verify(password: str) -> None:
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = _hasher.hash("dummy-password-for-timing")
    try:
        _hasher.verify(_DUMMY, password)
    except (VerificationError, InvalidHashError):
        pass
