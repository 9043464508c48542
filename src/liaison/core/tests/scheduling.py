"""How pytest-xdist shares the tests out under ``--dist loadfile`` (``make test``): by file, so
that a module's fixtures are built once, except that the files of the tests that read the demo
(``test_demo*.py``) are one unit, so that one worker builds the demo once for all of them. The
slowest units go out first (the demo's, then the browser tests' files), so that no worker is
left with one of them at the end while the others wait.

A plugin (``-p`` in pyproject's addopts) rather than a conftest hook: xdist asks for the
scheduler in the controller process, which never reads the conftests under src/. (xdist's own
``--dist loadgroup`` does not group under pytest 9.2: it renames test ids through an
attribute pytest no longer reads.)
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import pytest

DEMO_UNIT = "demo"


def work_unit(nodeid: str) -> str:
    """The unit a test is sent in: its file, or the demo's unit."""
    path = nodeid.split("::", 1)[0]
    return DEMO_UNIT if PurePosixPath(path).name.startswith("test_demo") else path


def _slow(unit: str) -> bool:
    return unit == DEMO_UNIT or PurePosixPath(unit).name.startswith("test_browser")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class DemoInOneUnit(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            slow = [unit for unit in self.workqueue if _slow(unit)]
            for unit in reversed(slow):
                self.workqueue.move_to_end(unit, last=False)
            super()._assign_work_unit(node)

    return DemoInOneUnit(config, log)
