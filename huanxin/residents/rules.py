"""Codes for residents: what they look like and how they are compared. Pure functions."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L: slips are read aloud over the phone and typed by elderly residents.
SLIP_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SLIP_LENGTH = 8
PHONE_CODE_LENGTH = 6


def new_slip_code() -> str:
    return "".join(secrets.choice(SLIP_ALPHABET) for _ in range(SLIP_LENGTH))


def new_phone_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PHONE_CODE_LENGTH))


def normalize_code(code: str) -> str:
    """What a resident types: spaces, dashes and lower case forgiven; O and I read as 0 and 1
    are not in the alphabet, so they are left to fail."""
    return "".join(code.split()).replace("-", "").upper()


def code_hash(*, secret: str, household_id: int, code: str) -> str:
    """Keyed and bound to the household: a leaked table reveals no code, and a code of one
    household proves nothing for another."""
    message = f"{household_id}:{normalize_code(code)}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def codes_match(*, secret: str, household_id: int, code: str, stored: str) -> bool:
    return hmac.compare_digest(code_hash(secret=secret, household_id=household_id, code=code), stored)
