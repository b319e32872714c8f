"""Encryption at rest for secrets we must be able to read back (refresh tokens, the feed secret).

Fernet (AES-128-CBC + HMAC-SHA256, with a timestamp) from `cryptography`; the key is
`CALFEED_ENCRYPTION_KEY` (config.py refuses to start in production without one). Hashes, not
encryption, are used where we only ever compare (feed token lookups): see `token_hash`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken

from calfeed.errors import CalfeedError


class DecryptionFailed(CalfeedError):
    """A stored secret cannot be read with the current key (the key changed or the data is bad)."""


class TokenCipher:
    """Encrypts and decrypts short text secrets with one Fernet key."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode("ascii"))

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """Raises DecryptionFailed (never returns garbage) when the key does not fit."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise DecryptionFailed("stored secret cannot be decrypted with this key") from exc


def new_secret_token() -> str:
    """A URL-safe random secret of 256 bits."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """sha256 hex of a secret: what the database keeps and looks up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_secret(a: str, b: str) -> bool:
    """Constant-time comparison, so response timing tells nothing about how much matched."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
