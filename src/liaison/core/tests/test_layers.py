"""The layers are enforced by import-linter (``lint-imports`` in ``make lint``): prove the
contract holds today and that it catches an import that goes upwards."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[3]
ROOT = SRC.parent


def _lint_imports(source: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )


def test_the_layers_contract_holds() -> None:
    result = _lint_imports(SRC)
    assert result.returncode == 0, result.stdout + result.stderr
    contracts = ROOT.joinpath("pyproject.toml").read_text().count("[[tool.importlinter.contracts]]")
    assert f"{contracts} kept, 0 broken" in result.stdout


def test_an_upward_import_breaks_the_layers_contract(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(SRC / "liaison", copy / "liaison", ignore=shutil.ignore_patterns("tests"))
    fiscal = copy / "liaison" / "core" / "fiscal.py"
    fiscal.write_text(fiscal.read_text() + "\nfrom liaison.training import models  # noqa\n")
    result = _lint_imports(copy)
    assert result.returncode == 1
    assert "liaison.core is not allowed to import liaison.training" in result.stdout
    assert "liaison.core.fiscal -> liaison.training.models" in result.stdout


def test_a_visit_selector_importing_a_service_breaks_its_contract(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(SRC / "liaison", copy / "liaison", ignore=shutil.ignore_patterns("tests"))
    selectors = copy / "liaison" / "visits" / "selectors" / "hosts.py"
    selectors.write_text(
        selectors.read_text() + "\nfrom liaison.visits.services import hosts  # noqa\n"
    )
    result = _lint_imports(copy)
    assert result.returncode == 1
    assert "Visit selectors import no services BROKEN" in result.stdout
    assert "liaison.visits.selectors is not allowed to import liaison.visits.services" in (
        result.stdout
    )
    assert "liaison.visits.selectors.hosts -> liaison.visits.services.hosts" in result.stdout
