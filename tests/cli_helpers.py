"""Run the `symdyn` command in-process and capture status, stdout and stderr."""

from __future__ import annotations

import contextlib
import io
import json
import os

import pytest

from symdyn.cli import main


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return status, out.getvalue(), err.getvalue()


def run_json(*args: str):
    status, out, err = run_cli(*args, "--json")
    assert status == 0, err
    return json.loads(out)


def require_tools(*tools: str) -> None:
    """Skip a test without the external programs it needs (pdflatex, pdftotext), unless
    ``SYMDYN_REQUIRE_PDFLATEX`` is set (CI): then their absence is a failure, not a skip."""
    import shutil

    missing = [t for t in tools if shutil.which(t) is None]
    if not missing:
        return
    if os.environ.get("SYMDYN_REQUIRE_PDFLATEX", "") not in ("", "0"):
        pytest.fail(f"{', '.join(missing)} required (SYMDYN_REQUIRE_PDFLATEX is set) but not installed")
    pytest.skip(f"{', '.join(missing)} needed")
