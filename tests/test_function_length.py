"""No function over 60 lines anywhere in the package (issue 12, item 8): long ones are split along their seams."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "automl_kedro"
MAX_LINES = 60
CHECKED_MODULES = tuple(sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")))


def long_functions(source: str, limit: int = MAX_LINES) -> list[tuple[str, int]]:
    """(name, lines) of every function or method, nested ones included, longer than ``limit`` lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                found.append((node.name, length))
    return found


def test_the_measure_counts_a_function_from_its_def_to_its_last_line():
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_LINES))  # def line + 60 body lines = 61
    source = f"def long():\n{body}\n\nclass A:\n    def short(self):\n        return 1\n"
    assert long_functions(source) == [("long", MAX_LINES + 1)]
    assert long_functions(source, limit=MAX_LINES + 1) == []


@pytest.mark.parametrize("module", CHECKED_MODULES)
def test_no_function_over_60_lines(module):
    path = PACKAGE / module
    assert path.is_file(), f"{module} is listed but does not exist"
    too_long = long_functions(path.read_text(encoding="utf-8"))
    assert too_long == [], f"{module}: split these along their seams: {too_long}"
