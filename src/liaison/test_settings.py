"""Settings for the test suite: throwaway keys, never a developer's key file or database."""

import os

os.environ.setdefault("LIAISON_SECRET_KEY", "test-secret-key-not-for-production-0123456789")
os.environ.setdefault("LIAISON_FIELD_ENCRYPTION_KEY", "test-field-encryption-salt")
os.environ.setdefault("LIAISON_MATCH_KEY", "test-match-key")
os.environ.setdefault("LIAISON_ENV_FILE", "/nonexistent")

from liaison.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# WhiteNoise looks a static file up when it is asked for, instead of listing every file the
# finders know (3,000 of them, with node_modules) each time a test client loads the
# middleware: about a second per test that makes a request.
WHITENOISE_AUTOREFRESH = True
