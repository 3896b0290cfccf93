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


def _project_imports_inside_functions(path):
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom):
                    project = inner.level > 0 or (inner.module or "").split(".")[0] == "clc_ledger"
                elif isinstance(inner, ast.Import):
                    project = any(alias.name.split(".")[0] == "clc_ledger" for alias in inner.names)
                else:
                    continue
                if project:
                    found.append(inner.lineno)
    return sorted(set(found))


def test_no_module_imports_a_project_module_inside_a_function():
    """An import hidden in a function is a cycle dodged (issue 14): a lower module reaching
    up to one that imports it. The ledger's features hear from it by signals
    (ledger/signals.py); errors gets the pages' words lent to it (web/site.py); jobs.run_job
    hands runs.py the table. Third-party imports kept lazy (gunicorn for `serve` only, an
    optional extra) are not project modules and are not counted."""
    hidden = [f"{path.relative_to(PACKAGE).as_posix()}:{line}"
              for path in _modules() for line in _project_imports_inside_functions(path)]
    assert hidden == []


FEATURES_ABOVE_THE_LEDGER = ("notifications", "reissues", "disputes", "statements", "learning", "jobs", "web")


def _project_modules_imported(path):
    """The clc_ledger modules a ledger module imports (at any depth), as dotted names."""
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 2:  # from ..x import y
            imported.add(f"clc_ledger.{node.module}" if node.module else "clc_ledger")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("clc_ledger"):
            imported.add(node.module)
    return imported


def test_the_ledger_imports_no_feature_built_on_it():
    """The features hear from the ledger by its signals (ledger/signals.py); the ledger never
    reaches up to them (issue 14)."""
    upward = {f"{path.name}: {module}" for path in sorted((PACKAGE / "ledger").glob("*.py"))
              for module in _project_modules_imported(path)
              if module.split(".")[1:2] and module.split(".")[1] in FEATURES_ABOVE_THE_LEDGER}
    assert upward == set()
