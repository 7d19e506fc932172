"""Product keys (D-SW-3): 32 characters of the unambiguous alphabet, eight groups of four,
from a cryptographically secure source, encrypted at rest."""
from __future__ import annotations

import base64
import hashlib
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings

ALPHABET = "BCDFGHJKMNPQRTVWXY2346789"


def product_key_generate() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(32))
    return "-".join(chars[i : i + 4] for i in range(0, 32, 4))


@lru_cache(maxsize=4)
def _fernet(configured: str, secret_key: str) -> Fernet:
    if configured:
        return Fernet(configured.encode())
    derived = hashlib.sha256(b"product-keys:" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(key: str) -> str:
    return _fernet(settings.PRODUCT_KEY_ENCRYPTION_KEY, settings.SECRET_KEY).encrypt(key.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.PRODUCT_KEY_ENCRYPTION_KEY, settings.SECRET_KEY).decrypt(token.encode()).decode()
