"""Every setting Liaison reads from its environment, in one place.

Real environment variables win; a local key file (``var/local.env``, written once by
``make run``/``make test``) fills in what is missing so a developer needs no set-up.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("LIAISON_VAR_DIR", PROJECT_ROOT / "var"))


def _read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


_FILE_VALUES = _read_env_file(Path(os.environ.get("LIAISON_ENV_FILE", VAR_DIR / "local.env")))


def get(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None:
        value = _FILE_VALUES.get(name, default)
    return value


def get_bool(name: str, default: bool = False) -> bool:
    value = get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def get_list(name: str, default: list[str]) -> list[str]:
    value = get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
