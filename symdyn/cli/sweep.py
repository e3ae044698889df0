"""``symdyn sweep``: a target over a parameter grid (or a solved phase boundary), on joblib or Dask."""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import click

from ..errors import ParameterError
from ..outputs import check_output_file
from ..sweep import check_out_path, split_assignments, sweep
from .common import DPS_OPTION, JSON_OPTION, emit_json, load_model

__all__ = ["sweep_cmd", "SweepMeter", "check_figure_path"]

FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def check_figure_path(path: str, option: str = "--plot") -> Path:
    p = Path(path)
    if p.suffix.lower() not in FIGURE_SUFFIXES:
        raise ParameterError(f"{option} {p}: a figure is written as .png, .pdf or .svg")
    return check_output_file(p, option)


def _duration(seconds: float) -> str:
    if seconds != seconds or seconds == float("inf"):
        return "?"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


class _MeterTask:
    def __init__(self, meter: "SweepMeter", description: str, total: int | None) -> None:
        self.meter, self.description, self.total = meter, description, total
        self.done = self.failed = 0
        self.start = time.monotonic()
        self.last = self.start
        self.lines = 0
        self.bar = None

    def status(self) -> str:
        elapsed = time.monotonic() - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        total = "?" if self.total is None else str(self.total)
        left = (self.total - self.done) / rate if (rate > 0 and self.total is not None) else float("nan")
        return (f"{self.description}: {self.done}/{total} points, {self.failed} failed, "
                f"{rate:.3g} points/s, ETA {_duration(left) if self.done < (self.total or 0) else '0 s'}")

    def _tick(self) -> None:
        now = time.monotonic()
        if self.bar is not None:
            prog, tid = self.bar
            elapsed = now - self.start
            rate = self.done / elapsed if elapsed > 0 else 0.0
            prog.update(tid, completed=self.done, failed=self.failed, rate=f"{rate:.3g}/s")
        elif now - self.last >= self.meter.interval:
            self.meter.write(self.status())
            self.last = now
            self.lines += 1

    def advance(self, amount: float = 1) -> None:
        self.done += int(amount)
        self._tick()

    def fail(self, amount: float = 1) -> None:
        self.failed += int(amount)
        self._tick()


class SweepMeter:
    """Progress of a sweep on stderr: points done, failed, rate and ETA.

    On a terminal a live bar; otherwise (a log file, a batch job) one line every ``interval``
    seconds (``SYMDYN_PROGRESS_INTERVAL``, default 5) and a last line when the sweep ends.
    ``SYMDYN_PROGRESS=0`` silences it.
    """

    def __init__(self, stream: Any = None, *, interval: float | None = None, live: bool | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        env = os.environ.get("SYMDYN_PROGRESS_INTERVAL")
        self.interval = float(env) if interval is None and env else (5.0 if interval is None else interval)
        self.enabled = os.environ.get("SYMDYN_PROGRESS", "1") not in ("0", "")
        isatty = getattr(self.stream, "isatty", None)
        self.live = (bool(isatty and isatty()) if live is None else live) and self.enabled

    def write(self, line: str) -> None:
        if self.enabled:
            print(line, file=self.stream, flush=True)

    @contextmanager
    def task(self, description: str, total: float | None = None) -> Iterator[_MeterTask]:
        t = _MeterTask(self, description, None if total is None else int(total))
        if not self.live:
            try:
                yield t
            finally:
                if t.lines or time.monotonic() - t.start >= self.interval:
                    self.write(t.status())
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[failed]} failed"), TextColumn("{task.fields[rate]}"),
                   TextColumn("ETA"), TimeRemainingColumn()]
        with Progress(*columns, console=Console(file=self.stream), transient=True) as prog:
            t.bar = (prog, prog.add_task(description, total=total, failed=0, rate=""))
            yield t


@click.command("sweep")
@click.argument("model_name", metavar="MODEL")
@click.argument("target", metavar="TARGET")
@click.argument("assignments", nargs=-1, metavar="NAME=START:STOP:COUNT[:log] | NAME=VALUE ...")
@DPS_OPTION
@click.option("--certify", is_flag=True, help="Rigorous enclosures at every point (a point that cannot be "
              "certified fails); with --solve, a certified enclosure of the root.")
@click.option("--solve", "solve_text", metavar="NAME=LO:HI",
              help="At every point, the NAME in [LO, HI] where the (scalar) target equals --equals (bracketing).")
@click.option("--equals", "equals", metavar="VALUE", help="The value the target takes on the solved boundary.")
@click.option("--n-jobs", default=1, show_default=True, type=int, help="Parallel worker processes (-1: all cores).")
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler address (tcp://host:8786), or 'local'.")
@click.option("--out", "out_path", metavar="FILE", help="Write points to FILE (.csv, .json or .jsonl) as they finish.")
@click.option("--resume", is_flag=True, help="Keep the finished points of --out FILE and compute only the others.")
@click.option("--plot", "plot_path", metavar="FIGURE", help="Draw the sweep to FIGURE (.png, .pdf or .svg).")
@JSON_OPTION
@click.pass_context
def sweep_cmd(ctx, model_name, target, assignments, dps, certify, solve_text, equals, n_jobs, scheduler, out_path,
              resume, plot_path, as_json):
    """Evaluate TARGET over a grid: a boundary quantity (threshold, critical-ratio, ...), 'limit',
    'limit:OBS' (one observable's limit) or OBS@T (an observable at time T, e.g. m_u@20).

    Axes are NAME=START:STOP:COUNT (exact, both ends included) or NAME=START:STOP:COUNT:log;
    several axes give their product grid.  Exit status: 0 all points succeeded, 1 some failed
    (e.g. below threshold, no root), 2 bad input (checked before the first point).

    \b
    Examples:
      symdyn sweep rank-one-denoising critical-ratio c=1/2 theta=1:3:21 --n-jobs 2 --out ratio.csv
      symdyn sweep rank-one-denoising critical-ratio c=1/2 epsilon=1e-20:1e-1:20:log --certify --plot r.png
      symdyn sweep rank-one-denoising limit:m_u c=1/4:1:4 alpha=1/5 beta=1/10 --solve theta=1/2:3 --equals 1/2
    """
    model = load_model(model_name)
    fixed, axes = split_assignments(assignments)
    if out_path is not None:
        check_out_path(out_path)
    if resume and out_path is None:
        raise ParameterError("--resume needs --out FILE: the file to complete")
    if plot_path is not None:
        check_figure_path(plot_path)
        if len(axes) not in (1, 2):
            raise ParameterError(f"--plot draws sweeps over one or two axes, and this one has {len(axes)}")
    result = sweep(model, target, fixed, axes, dps=dps, certify=certify, solve=solve_text, equals=equals,
                   n_jobs=n_jobs, scheduler=scheduler, out=out_path, resume=resume, progress=SweepMeter())
    if plot_path is not None:
        from ..plot import plot_sweep, save

        fig, _ = plot_sweep(result)
        save(fig, plot_path)
    if as_json:
        emit_json(result.to_json())
    elif out_path is None:
        click.echo(result.to_csv(), nl=False)
        click.echo(result.summary(), err=True)
    else:
        click.echo(result.summary() + (f"; plot {plot_path}" if plot_path else ""))
    if result.failed:
        ctx.exit(1)
