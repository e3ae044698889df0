"""Output for pipes, logs and notebooks: progress lines without redraws when stderr is not a terminal,
tables never wrapped or truncated in a pipe, no internal names as labels."""

from __future__ import annotations

import io
import time

from cli_helpers import run_cli
from symdyn.cli.common import LineProgress, RichProgress, progress_meter

M = "rank-one-denoising"
P = ("c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10")


def test_line_progress_prints_lines_while_a_long_task_runs_and_nothing_for_a_short_one():
    out = io.StringIO()
    meter = LineProgress(out, delay=0.1, interval=0.1)
    with meter.task("simulate 10x20", total=3) as task:
        time.sleep(0.35)  # one long step: the timer still reports
        for _ in range(3):
            task.advance()
    lines = out.getvalue().splitlines()
    assert len(lines) >= 3 and lines[-1].startswith("symdyn: simulate 10x20: done, 3/3 after")
    assert all(line.startswith("symdyn: simulate 10x20: ") for line in lines) and "\r" not in out.getvalue()
    quiet = io.StringIO()
    with LineProgress(quiet, delay=5.0).task("fast", total=1) as task:
        task.advance()
    assert quiet.getvalue() == ""


def test_progress_meter_is_lines_when_stderr_is_not_a_terminal(monkeypatch):
    monkeypatch.delenv("SYMDYN_PROGRESS", raising=False)
    assert isinstance(progress_meter(), LineProgress)  # pytest's stderr is not a terminal
    monkeypatch.setenv("SYMDYN_PROGRESS", "0")
    meter = progress_meter()
    assert isinstance(meter, RichProgress) and not meter.enabled
    monkeypatch.setenv("SYMDYN_PROGRESS", "bars")
    assert isinstance(progress_meter(), RichProgress) and progress_meter().enabled


def test_simulate_table_in_a_pipe_is_neither_wrapped_nor_truncated_and_has_no_internal_names():
    status, out, err = run_cli("simulate", M, *P, "--n", "200", "--seeds", "3", "--t", "10000,1e300",
                               "--observables", "N_u,m_u")
    assert status == 0, err
    assert "…" not in out and "..." not in out
    assert any(line.startswith("note: N_u overflowed float64") and line.endswith("unaffected")
               for line in out.splitlines())
    assert "amplitude_predicted" not in out and "sigma_n" not in out and "realised c=0.5" in out
    assert "1.0e+300" in out  # a huge time is shown short, not with its 301 digits


def test_check_verdict_line_and_cells_are_whole_in_a_pipe():
    status, out, err = run_cli("check", M, *P, "--n", "200", "--seeds", "10", "--t", "1,5",
                               "--observables", "m_u,m_v,energy")
    assert status in (0, 1), err
    verdict = [line for line in out.splitlines() if line.startswith(("AGREE", "DISAGREE"))]
    assert len(verdict) == 1 and "max |z|" in verdict[0]
    assert "…" not in out and "observable" in out and "energy" in out
