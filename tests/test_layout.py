"""The package's layout rules that a reviewer would otherwise check by hand.

- Tests, benchmarks and derivations reach the library through public names only: no import of a
  ``_``-prefixed name or of a module with a ``_``-prefixed path component, and no access of a
  ``_``-prefixed attribute (other than the numeric and display protocols of mpmath and IPython).
- No function of the library is longer than about 150 lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: attributes that are other libraries' protocols, not symdyn internals
PROTOCOLS = {"_mpf_", "_mpc_", "_repr_latex_", "_repr_html_", "_repr_png_", "_repr_svg_"}
MAX_FUNCTION_LINES = 150


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(source: str) -> list[tuple[int, str]]:
    """Every use of a private symdyn name in *source*: (line, what)."""
    hits = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "symdyn":
            for alias in node.names:
                if any(_private(p) for p in node.module.split(".")) or _private(alias.name):
                    hits.append((node.lineno, f"from {node.module} import {alias.name}"))
        elif isinstance(node, ast.Import):
            hits += [(node.lineno, f"import {a.name}") for a in node.names
                     if a.name.split(".")[0] == "symdyn" and any(_private(p) for p in a.name.split("."))]
        elif isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in PROTOCOLS:
            hits.append((node.lineno, ast.unparse(node)))
    return hits


def _files(*dirs: str) -> list[Path]:
    return sorted(p for d in dirs for p in (ROOT / d).rglob("*.py"))


def test_the_scanner_finds_each_kind_of_private_use():
    src = ("from symdyn.check._stats import wilson\nfrom symdyn.plot import _param_text\n"
           "import symdyn.check._rows\nx = cert._frac(1)\ny = v._mpf_\n")
    assert [w for _, w in private_uses(src)] == [
        "from symdyn.check._stats import wilson", "from symdyn.plot import _param_text",
        "import symdyn.check._rows", "cert._frac"]


@pytest.mark.parametrize("path", _files("tests", "benchmarks", "derivations"), ids=lambda p: p.name)
def test_no_test_benchmark_or_derivation_uses_a_private_name(path):
    assert private_uses(path.read_text()) == []


def test_no_library_function_is_longer_than_about_150_lines():
    long = []
    for path in _files("symdyn"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    assert long == []
