"""The layers are enforced by import-linter (``lint-imports`` in ``make lint``): prove the
contracts hold today, that they catch an import that goes upwards, and a selectors module
that imports a services module (reads never depend on writes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


def _copy(tmp_path: Path) -> Path:
    copy = tmp_path / "src"
    shutil.copytree(SRC / "liaison", copy / "liaison", ignore=shutil.ignore_patterns("tests"))
    return copy


def test_an_upward_import_breaks_the_layers_contract(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    fiscal = copy / "liaison" / "core" / "fiscal.py"
    fiscal.write_text(fiscal.read_text() + "\nfrom liaison.training import models  # noqa\n")
    result = _lint_imports(copy)
    assert result.returncode == 1
    assert "liaison.core is not allowed to import liaison.training" in result.stdout
    assert "liaison.core.fiscal -> liaison.training.models" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "refusal", "chain"),
    [
        (
            "training/selectors/costs.py",
            "from liaison.training.services import cost_line_add",
            "liaison.training.selectors is not allowed to import liaison.training.services",
            "liaison.training.selectors.costs -> liaison.training.services",
        ),
        (
            "visits/selectors/hosts.py",
            "from liaison.visits.services import hosts",
            "liaison.visits.selectors is not allowed to import liaison.visits.services",
            "liaison.visits.selectors.hosts -> liaison.visits.services.hosts",
        ),
        (
            "vetting/selectors.py",
            "from liaison.vetting import services",
            "liaison.vetting.selectors is not allowed to import liaison.vetting.services",
            "liaison.vetting.selectors -> liaison.vetting.services",
        ),
    ],
)
def test_a_selector_importing_a_service_breaks_the_reads_contract(
    tmp_path: Path, module: str, line: str, refusal: str, chain: str
) -> None:
    copy = _copy(tmp_path)
    selectors = copy / "liaison" / module
    selectors.write_text(selectors.read_text() + f"\n{line}  # noqa\n")
    result = _lint_imports(copy)
    assert result.returncode == 1
    assert refusal in result.stdout, result.stdout
    assert chain in result.stdout
