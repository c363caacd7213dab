"""Tokens for emailed links (invitations, confirming an address).

A link holds a random token; the database keeps only its SHA-256 hash, so a copy
of the database cannot be used to follow anyone's link.
"""

from __future__ import annotations

import hashlib
import secrets

# A token_urlsafe(32) is 43 characters; anything much longer is not one of ours
# and is refused before it reaches the database.
LONGEST = 200


def new_token() -> tuple[str, str]:
    """A new random token and the hash to store."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def plausible(token: str) -> bool:
    return bool(token) and len(token) <= LONGEST
