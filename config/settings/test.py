"""Tests: the same settings, with fast hashing and an in-memory mailbox."""
from .base import *  # noqa: F401,F403
from .base import VAR_DIR, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The fault tests run a real worker in a subprocess and point it at an SMTP sink of their own.
if env.str("TEST_EMAIL_URL", default=""):
    vars().update(env.email_url("TEST_EMAIL_URL"))
SOFTWARE_FILES_DIR = VAR_DIR / "test-software"
ATTACHMENTS_DIR = VAR_DIR / "test-attachments"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not env.str("REDIS_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
