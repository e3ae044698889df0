"""Shared pieces of the command line: argument parsing, JSON output, progress bars.

The command line holds no mathematics: it parses words into library calls and
renders the result objects the library returns.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import click

from ..errors import ParameterError
from ..models import Model, model as get_model
from ..params import check_dps
from ..params import Params

__all__ = [
    "console", "parse_assignments", "load_model", "load_params", "split_times", "whole_number", "split_names", "emit_json",
    "RichProgress", "LineProgress", "progress_meter", "DPS_OPTION", "JSON_OPTION",
]


def parse_assignments(words: Sequence[str]) -> dict[str, str]:
    """``["c=1/2", "theta=6/5"]`` -> ``{"c": "1/2", "theta": "6/5"}`` (strings kept as text)."""
    out: dict[str, str] = {}
    for word in words:
        name, sep, value = word.partition("=")
        name = name.strip()
        if not sep or not name or not value.strip():
            raise ParameterError(
                f"{word!r} is not a NAME=VALUE parameter (e.g. theta=6/5)"
            )
        if name in out:
            raise ParameterError(f"parameter {name} is given twice")
        out[name] = value.strip()
    return out


def load_model(name: str) -> Model:
    return get_model(name)


def load_params(m: Model, words: Sequence[str]) -> Params:
    return m.params(**parse_assignments(words))


def split_times(text: str | None) -> list[str]:
    if text is None:
        raise ParameterError("no times given: pass --t T1,T2,... (e.g. --t 1,5,20)")
    parts = [p.strip() for p in text.split(",")]
    if any(not p for p in parts):
        raise ParameterError(f"--t {text!r} has an empty entry: use a comma-separated list like 1,5,20")
    return parts


def whole_number(text: str, option: str, lo: int) -> int:
    """A whole number ``>= lo`` given to *option* (one-line error otherwise)."""
    value = text.strip()
    if not value.lstrip("+").isdigit() or int(value) < lo:
        raise ParameterError(f"{option} {text!r} is not a whole number >= {lo}")
    return int(value)


def split_names(text: str | None, option: str = "--observables") -> list[str] | None:
    """``"m_u,m_v"`` -> ``["m_u", "m_v"]``; empty entries are errors."""
    if text is None:
        return None
    names = [x.strip() for x in text.split(",")]
    if any(not x for x in names):
        raise ParameterError(f"{option} {text!r} has an empty entry: use a list like m_u,m_v")
    return names


def console() -> Any:
    """A rich console for stdout: the terminal's width there; in a pipe or file never wrapped or
    truncated (lines as long as their content) and without colour codes."""
    from rich.console import Console

    if sys.stdout.isatty():
        return Console(highlight=False)
    return Console(highlight=False, width=100_000, soft_wrap=True, no_color=True)


def emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False))


def dps_callback(ctx: click.Context, param: click.Parameter, value: Any) -> int:
    return check_dps(value)


DPS_OPTION = click.option(
    "--dps", default="30", callback=dps_callback, show_default=True,
    help="Decimal digits of the result (15..1000).",
)
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout (numbers as decimal strings).")


class RichProgress:
    """Progress meter drawing rich bars on stderr (see :mod:`symdyn.progress`)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    @contextmanager
    def task(self, description: str, total: float | None = None) -> Iterator[Any]:
        if not self.enabled:
            from ..progress import NULL_PROGRESS

            with NULL_PROGRESS.task(description, total) as t:
                yield t
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        console = Console(stderr=True)
        columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TimeRemainingColumn()]
        with Progress(*columns, console=console, transient=True) as prog:
            tid = prog.add_task(description, total=total)

            class _Task:
                def advance(self, amount: float = 1) -> None:
                    prog.advance(tid, amount)

            yield _Task()


class LineProgress:
    """Progress for logs and pipes: plain lines on stderr, no redraws.

    A task that is still running after ``delay`` seconds gets a line ``symdyn: DESCRIPTION: k/N after
    T s`` and then one every ``interval`` seconds (from a timer, so also while one long step runs), and a
    closing ``done`` line; a task that ends sooner prints nothing.
    """

    def __init__(self, stream: Any = None, *, delay: float = 2.0, interval: float = 10.0) -> None:
        self.stream = stream
        self.delay = delay
        self.interval = interval

    @contextmanager
    def task(self, description: str, total: float | None = None) -> Iterator[Any]:
        import threading
        import time

        state = {"done": 0.0, "printed": False}
        start = time.monotonic()
        stop = threading.Event()

        def line(word: str = "") -> None:
            done = state["done"]
            count = f"{done:g}" + (f"/{total:g}" if total else "")
            click.echo(f"symdyn: {description}: {word}{count} after {time.monotonic() - start:.0f} s",
                       file=self.stream or sys.stderr)
            state["printed"] = True

        def report() -> None:
            wait = self.delay
            while not stop.wait(wait):
                line()
                wait = self.interval

        timer = threading.Thread(target=report, daemon=True)
        timer.start()

        class _Task:
            def advance(self, amount: float = 1) -> None:
                state["done"] += amount

        try:
            yield _Task()
        finally:
            stop.set()
            timer.join()
            if state["printed"]:
                line("done, ")


def progress_meter() -> RichProgress | LineProgress:
    """Bars when stderr is a terminal, plain lines otherwise (logs, pipes, notebooks).

    ``SYMDYN_PROGRESS=0`` turns progress off, ``=bars`` (or ``1``) forces bars, ``=lines`` forces lines.
    """
    forced = os.environ.get("SYMDYN_PROGRESS")
    if forced in ("0", ""):
        return RichProgress(False)
    if forced in ("1", "bars") or (forced is None and sys.stderr.isatty()):
        return RichProgress(True)
    return LineProgress()
