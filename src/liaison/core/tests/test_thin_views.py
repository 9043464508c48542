"""Views and API modules read through selectors and write through services: they hold no ORM
query of their own, so every read is scoped and every write is checked in one place."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

APPS = Path(__file__).resolve().parents[2]
# Methods that only a queryset or a manager answers (``get``, ``count`` and ``update`` are left
# out: dictionaries, lists and forms answer to them too, and ``.objects`` catches the rest).
QUERY_METHODS = {
    "filter",
    "exclude",
    "annotate",
    "aggregate",
    "order_by",
    "select_related",
    "prefetch_related",
    "values_list",
    "values",
    "all",
    "first",
    "last",
    "in_bulk",
    "exists",
    "distinct",
    "only",
    "defer",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "select_for_update",
}
QUERY_HELPERS = {"get_object_or_404", "get_list_or_404"}


def view_modules() -> Iterator[Path]:
    """Every module that answers a request: ``views.py``, ``views/*.py`` and ``api.py``."""
    for path in sorted(APPS.rglob("*.py")):
        relative = path.relative_to(APPS)
        if "tests" in relative.parts:
            continue
        if path.name in {"views.py", "api.py"} or "views" in relative.parts[:-1]:
            yield path


def orm_queries(tree: ast.AST) -> list[int]:
    """Lines that touch a manager, call a queryset method or a shortcut that queries."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr in QUERY_METHODS) or (
                isinstance(func, ast.Name) and func.id in QUERY_HELPERS
            ):
                lines.append(node.lineno)
    return sorted(set(lines))


def test_no_view_or_api_module_queries_the_orm() -> None:
    found = []
    for path in view_modules():
        source = path.read_text()
        for line in orm_queries(ast.parse(source)):
            found.append(
                f"{path.relative_to(APPS)}:{line}: {source.splitlines()[line - 1].strip()}"
            )
    assert found == []


def test_the_check_sees_queries_and_passes_plain_python() -> None:
    assert orm_queries(ast.parse("d = Delivery.objects.get(pk=1)")) == [1]
    assert orm_queries(ast.parse("x = qs.filter(a=1)\ny = get_object_or_404(Site, pk=2)")) == [1, 2]
    assert orm_queries(ast.parse("rows = deliveries.select_related('course')")) == [1]
    assert orm_queries(ast.parse("q = request.GET.get('q')\nn = len(rows)\nf.is_valid()")) == []
