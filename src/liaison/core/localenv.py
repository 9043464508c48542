"""Write ``var/local.env`` once, with fresh keys, for a developer machine.

Run before Django starts (``python -m liaison.core.localenv``): settings refuse to load
without these keys. An existing file is never overwritten — its keys decrypt the data.
"""

from __future__ import annotations

import secrets
import sys

from liaison import env


def main() -> int:
    path = env.VAR_DIR / "local.env"
    if path.exists():
        return 0
    env.VAR_DIR.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "# Local keys for Liaison, written once by `make run`. Keep this file: the personal\n"
        "# data in var/liaison.sqlite3 cannot be read without it.\n"
        f"LIAISON_SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"LIAISON_FIELD_ENCRYPTION_KEY={secrets.token_urlsafe(32)}\n"
        f"LIAISON_MATCH_KEY={secrets.token_urlsafe(32)}\n",
        encoding="utf-8",
    )
    path.chmod(0o600)
    print(f"Wrote new local keys to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
