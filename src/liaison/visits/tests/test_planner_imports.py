"""The planner package is plain Python: importing it loads no Django and nothing else of
Liaison, and the import-linter contract that holds it (``planner-plain`` in ``pyproject.toml``)
catches a planner module that imports Django or the app around it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[3]
ROOT = SRC.parent
PLANNER = "liaison.visits.planner"


def test_importing_the_planner_loads_no_django_and_no_other_module_of_liaison() -> None:
    # A fresh interpreter: this one has Django loaded already.
    script = f"import json, sys, {PLANNER}; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        check=True,
    )
    loaded = json.loads(result.stdout)
    assert f"{PLANNER}.visit" in loaded and f"{PLANNER}.year" in loaded
    assert [m for m in loaded if m == "django" or m.startswith("django.")] == []
    outside = [
        m
        for m in loaded
        if m.startswith("liaison.")
        and m not in {"liaison.visits", PLANNER}
        and not m.startswith(f"{PLANNER}.")
    ]
    assert outside == []


def test_the_planner_contract_breaks_when_a_planner_module_imports_django_or_the_app(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "src"
    shutil.copytree(SRC / "liaison", copy / "liaison", ignore=shutil.ignore_patterns("tests"))
    scoring = copy / "liaison" / "visits" / "planner" / "scoring.py"
    scoring.write_text(scoring.read_text() + "\nimport django  # noqa\n")
    year = copy / "liaison" / "visits" / "planner" / "year.py"
    year.write_text(year.read_text() + "\nfrom liaison.visits import models  # noqa\n")
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [
            str(lint),
            "--config",
            str(ROOT / "pyproject.toml"),
            "--contract",
            "planner-plain",
            "--no-cache",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(copy)},
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "0 kept, 1 broken" in result.stdout
    assert f"{PLANNER} is not allowed to import django" in result.stdout
    assert f"{PLANNER}.scoring -> django" in result.stdout
    assert f"{PLANNER} is not allowed to import liaison.visits.models" in result.stdout
    assert f"{PLANNER}.year -> liaison.visits.models" in result.stdout
