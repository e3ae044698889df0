"""A real Dask cluster on localhost: `dask scheduler` and `dask worker` as separate processes.

The sweep through ``--scheduler tcp://...`` equals the joblib sweep point by point; a worker
killed mid-sweep loses no finished point, and ``--resume`` completes the file to the same
bytes as an uninterrupted run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import symdyn as sd
from symdyn.sweep import sweep

from cli_helpers import run_cli

pytest.importorskip("distributed")

ROD = "rank-one-denoising"
ROOT = Path(sd.__file__).resolve().parent.parent
ENV = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1", SYMDYN_PROGRESS="0",
           DASK_DISTRIBUTED__WORKER__DAEMON="False")


def _start(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "dask", *args], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                            stderr=open(log, "w"))


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


class Cluster:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        info = tmp / "scheduler.json"
        self.scheduler = _start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                 "--scheduler-file", str(info)], tmp / "scheduler.log")
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert info.exists(), (tmp / "scheduler.log").read_text()
        time.sleep(0.2)
        self.address = json.loads(info.read_text())["address"]
        self.workers: list[subprocess.Popen] = []

    def add_worker(self, name: str) -> subprocess.Popen:
        w = _start(["worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", name,
                    "--death-timeout", "60"], self.tmp / f"{name}.log")
        self.workers.append(w)
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(sum(p.poll() is None for p in self.workers), timeout=60)
        return w

    def close(self) -> None:
        for w in self.workers:
            _stop(w)
        _stop(self.scheduler)


@pytest.fixture()
def cluster(tmp_path):
    c = Cluster(tmp_path)
    try:
        yield c
    finally:
        c.close()


def _rows(path: Path) -> list[str]:
    return [ln for ln in path.read_text().split("\n")[1:] if ln]


def test_a_sweep_on_a_real_cluster_equals_the_joblib_sweep_point_by_point(cluster):
    cluster.add_worker("w1")
    axes, fixed = {"theta": "1/2:2:3", "c": "1/4:1:3"}, {"alpha": "1/10", "beta": "1/5"}
    on_dask = sweep(ROD, "m_u@5", fixed, axes, dps=25, scheduler=cluster.address)
    on_joblib = sweep(ROD, "m_u@5", fixed, axes, dps=25, n_jobs=2)
    assert on_dask.backend == f"dask ({cluster.address})" and len(on_dask.points) == 9
    for a, b in zip(on_dask.points, on_joblib.points):
        assert a == b


@pytest.mark.slow  # about 25 s: a sweep of solved points, killed, restarted
def test_a_killed_worker_loses_no_finished_point_and_resume_completes_the_file(cluster, tmp_path):
    worker = cluster.add_worker("w1")
    cmd = ["sweep", ROD, "m_u@10", "theta=1:2:12", "c=1/2", "beta=1/10", "--solve", "alpha=-1/2:1/2",
           "--equals", "0", "--dps", "30"]
    full = tmp_path / "joblib.csv"
    assert run_cli(*cmd, "--n-jobs", "2", "--out", str(full))[0] == 0
    reference = _rows(full)
    part = tmp_path / "dask.csv"
    client = subprocess.Popen([sys.executable, "-c", "from symdyn.cli import main; main()", *cmd,
                               "--scheduler", cluster.address, "--out", str(part)],
                              cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and client.poll() is None:
            if part.exists() and len(_rows(part)) >= 3:
                break
            time.sleep(0.02)
        assert client.poll() is None, client.stderr.read().decode()
        worker.send_signal(signal.SIGKILL)  # the only worker dies mid-sweep
        worker.wait(30)
        time.sleep(1.0)
        finished = _rows(part)
        assert client.poll() is None  # the client waits for workers; nothing more can finish
        client.send_signal(signal.SIGTERM)
        client.wait(30)
    finally:
        _stop(client)
    after = _rows(part)
    assert after == finished and 3 <= len(after) < len(reference)
    assert all(row in reference for row in after)  # every point written before the kill is intact

    cluster.add_worker("w2")
    status, out, err = run_cli(*cmd, "--scheduler", cluster.address, "--out", str(part), "--resume", "--json")
    assert status == 0, err
    summary = json.loads(out)
    assert summary["reused"] == len(after) and summary["computed"] == len(reference) - len(after)
    assert part.read_bytes() == full.read_bytes()


@pytest.mark.slow  # the client waits 10 s for an unreachable scheduler
def test_an_unreachable_scheduler_is_an_input_error_before_the_first_point(tmp_path):
    status, _, err = run_cli("sweep", ROD, "threshold", "c=1:2:3", "--scheduler", "tcp://127.0.0.1:1",
                             "--out", str(tmp_path / "x.csv"))
    assert status == 2 and "cannot reach the Dask scheduler" in err
    assert not (tmp_path / "x.csv").exists()
