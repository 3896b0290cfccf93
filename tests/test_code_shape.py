"""Modules one person can hold (issue 14): no module in clc_ledger/ over 400 lines, no
function over 60, migrations aside (they are generated, and read once)."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "clc_ledger"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _modules():
    return [path for path in sorted(PACKAGE.rglob("*.py")) if "migrations" not in path.relative_to(PACKAGE).parts]


def test_no_module_is_over_400_lines():
    long = {str(path.relative_to(PACKAGE)): n for path in _modules()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_no_function_is_over_60_lines():
    long = {}
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(PACKAGE)}:{node.name}"] = length
    assert long == {}


def test_the_ledger_imports_nothing_inside_a_function():
    """A feature built on the ledger hears from it by signals (ledger/signals.py); an import
    hidden in a function would be the ledger reaching up to it past a cycle."""
    hidden = []
    for path in sorted((PACKAGE / "ledger").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                hidden += [f"{path.name}:{inner.lineno}" for inner in ast.walk(node)
                           if isinstance(inner, ast.ImportFrom) and inner.level > 0]
    assert hidden == []
