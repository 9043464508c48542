"""Settings for the test suite: throwaway keys, never a developer's key file or database."""

import os

os.environ.setdefault("LIAISON_SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ.setdefault("LIAISON_FIELD_ENCRYPTION_KEY", "test-field-encryption-salt")
os.environ.setdefault("LIAISON_MATCH_KEY", "test-match-key")
os.environ.setdefault("LIAISON_ENV_FILE", "/nonexistent")

from liaison.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
