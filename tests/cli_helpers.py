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
    """Skip a test without the external programs it needs (pdflatex, pdftotext), unless CI requires a tool
    (``SYMDYN_REQUIRE_PDFLATEX=1``, ``SYMDYN_REQUIRE_PDFTOTEXT=1``): then its absence is a failure, not a skip."""
    import shutil

    missing = [t for t in tools if shutil.which(t) is None]
    required = [t for t in missing if os.environ.get(f"SYMDYN_REQUIRE_{t.upper()}", "") not in ("", "0")]
    if required:
        pytest.fail(f"{', '.join(required)} required (SYMDYN_REQUIRE_{required[0].upper()} is set) but not installed")
    if missing:
        pytest.skip(f"{', '.join(missing)} needed")
