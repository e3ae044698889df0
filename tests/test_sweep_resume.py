"""Sweep files: written as points finish, completed by --resume, refused when they belong to another sweep."""

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
from symdyn.sweep import load, sweep

from cli_helpers import run_cli
from sweep_toy import toy  # noqa: F401  (the fixture registering toy-sweep)

ROD = "rank-one-denoising"
ROOT = Path(sd.__file__).resolve().parent.parent
CMD = ["sweep", ROD, "critical-ratio", "c=1/2", "theta=1/2:3:9", "--dps", "25"]


def _data_lines(path: Path) -> list[str]:
    text = path.read_text()
    if path.suffix == ".json":
        return json.loads(text)["points"]
    return [ln for ln in text.split("\n")[1:] if ln]


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl"])
def test_resume_computes_only_the_missing_points_and_gives_the_uninterrupted_file(tmp_path, suffix):
    full = tmp_path / f"full{suffix}"
    status, _, err = run_cli(*CMD, "--out", str(full))
    assert status == 1, err  # theta = 1/2 and 13/16 are below threshold
    reference = full.read_bytes()
    part = tmp_path / f"part{suffix}"
    # an interrupted run: some points in completion order, the last line cut in the middle
    if suffix == ".json":
        data = json.loads(reference)
        data["points"] = [data["points"][k] for k in (5, 0, 3)]
        part.write_text(json.dumps(data))
    else:
        lines = reference.decode().split("\n")
        head, rows = lines[0], [ln for ln in lines[1:] if ln]
        part.write_text("\n".join([head, rows[5], rows[0], rows[3], rows[7][: len(rows[7]) // 2]]))
    status, out, err = run_cli(*CMD, "--out", str(part), "--resume", "--json")
    assert status == 1, err
    summary = json.loads(out)
    assert (summary["computed"], summary["reused"], summary["failed"]) == (6, 3, 2)  # theta = 1/2, 13/16 < c^(1/4)
    assert part.read_bytes() == reference
    status, out, _ = run_cli(*CMD, "--out", str(part), "--resume", "--json")
    assert (json.loads(out)["computed"], json.loads(out)["reused"]) == (0, 9)
    assert part.read_bytes() == reference


def test_a_killed_run_leaves_its_finished_points_and_resume_completes_the_same_file(tmp_path):
    cmd = ["sweep", ROD, "m_u@10", "theta=1:2:8", "c=1/2", "beta=1/10", "--solve", "alpha=-1/2:1/2",
           "--equals", "0", "--dps", "30"]
    full = tmp_path / "full.csv"
    status, _, err = run_cli(*cmd, "--out", str(full))
    assert status == 0, err
    part = tmp_path / "part.csv"
    env = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1", SYMDYN_PROGRESS="0")
    proc = subprocess.Popen([sys.executable, "-c", "from symdyn.cli import main; main()", *cmd, "--out", str(part)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if part.exists() and len(_data_lines(part)) >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the sweep ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    done = _data_lines(part)
    reference = _data_lines(full)
    assert 3 <= len(done) < len(reference)
    assert all(row in reference for row in done)  # every finished point is intact
    status, out, err = run_cli(*cmd, "--out", str(part), "--resume", "--json")
    assert status == 0, err
    summary = json.loads(out)
    assert summary["reused"] == len(done) and summary["computed"] == len(reference) - len(done)
    assert part.read_bytes() == full.read_bytes()


def test_resume_refuses_a_file_of_another_sweep(tmp_path):
    out = tmp_path / "a.csv"
    assert run_cli(*CMD, "--out", str(out))[0] == 1
    before = out.read_bytes()
    for other in (["sweep", ROD, "critical-ratio", "c=1/3", "theta=1/2:3:9", "--dps", "25"],
                  [*CMD[:-1], "26"],
                  [*CMD, "--certify"],
                  ["sweep", ROD, "outlier", "c=1/2", "theta=1/2:3:9", "--dps", "25"]):
        status, _, err = run_cli(*other, "--out", str(out), "--resume")
        assert status == 2 and "holds a different sweep" in err, err
    status, _, err = run_cli("sweep", ROD, "critical-ratio", "c=1/2", "theta=1/2:3:5", "--dps", "25", "--out", str(out),
                             "--resume")
    assert status == 2 and "outside this grid" in err
    assert out.read_bytes() == before


def test_resume_onto_a_finer_grid_reuses_the_common_points(tmp_path):
    out = tmp_path / "a.jsonl"
    run_cli("sweep", ROD, "threshold", "c=1:3:3", "--out", str(out))
    status, stdout, err = run_cli("sweep", ROD, "threshold", "c=1:3:5", "--out", str(out), "--resume", "--json")
    assert status == 0, err
    data = json.loads(stdout)
    assert (data["computed"], data["reused"]) == (2, 3)
    assert [p.params["c"] for p in load(out).points] == ["1", "3/2", "2", "5/2", "3"]


def test_files_are_flushed_as_points_finish(tmp_path):
    seen = []
    out = tmp_path / "s.csv"

    class Watch:
        def task(self, description, total=None):
            import contextlib

            @contextlib.contextmanager
            def cm():
                class T:
                    def advance(self, n=1):
                        seen.append(len(_data_lines(out)))
                yield T()
            return cm()

    sweep(ROD, "threshold", {}, {"c": "1:2:4"}, out=str(out), progress=Watch())
    assert seen == [1, 2, 3, 4]


def test_load_reads_every_format_back(tmp_path):
    res = sweep(ROD, "critical-ratio", {"c": "1/2"}, {"epsilon": "1e-10:1e-1:4:log"}, dps=30, certify=True)
    for suffix in (".csv", ".json", ".jsonl"):
        f = tmp_path / f"r{suffix}"
        sweep(ROD, "critical-ratio", {"c": "1/2"}, {"epsilon": "1e-10:1e-1:4:log"}, dps=30, certify=True, out=str(f))
        back = load(f)
        assert back.spec.command == res.spec.command and back.spec.axes[0].scale == "log"
        assert [p.values for p in back.points] == [p.values for p in res.points]
        assert [p.enclosures for p in back.points] == [p.enclosures for p in res.points]
        assert [p.params for p in back.points] == [p.params for p in res.points]


def test_a_file_with_a_list_parameter_resumes_and_loads(tmp_path, toy):
    out = tmp_path / "toy.csv"
    args = ("sweep", "toy-sweep", "square", "x=1:3:3", "w=3,2,1", "--certify")
    assert run_cli(*args, "--out", str(out))[0] == 0
    status, stdout, err = run_cli(*args, "--out", str(out), "--resume", "--json")
    assert status == 0, err
    assert (json.loads(stdout)["computed"], json.loads(stdout)["reused"]) == (0, 3)
    back = load(out)
    assert back.spec.fixed == {"w": "3,2,1"} and back.points[2].values["square"].startswith("54.0000")
    status, _, err = run_cli("sweep", "toy-sweep", "square", "x=1:3:3", "w=3,2", "--certify", "--out", str(out),
                             "--resume")
    assert status == 2 and "different sweep" in err


def test_a_value_column_that_appears_mid_sweep_rewrites_the_csv_header(tmp_path):
    # above threshold first: the decay amplitudes K_m_u, K_m_v appear only at the last point
    import contextlib

    out = tmp_path / "lim.csv"
    snapshots = []

    class Snapshot:
        @contextlib.contextmanager
        def task(self, description, total=None):
            class T:
                def advance(self, n=1):
                    snapshots.append(out.read_text())
            yield T()

    res = sweep(ROD, "limit", {"c": "1/2", "alpha": "1/10", "beta": "1/10"}, {"theta": "2:1/2:3"}, out=str(out),
                progress=Snapshot())
    last = snapshots[-1].splitlines()  # the file after the last point, before the final rewrite
    header = last[0].split(",")
    assert len(last) == 4 and {"K_m_u", "K_m_v"} <= set(header)
    assert all(len(ln.split(",")) == len(header) for ln in last)
    assert "K_m_u" not in snapshots[0].splitlines()[0]
    assert load(out).points == res.points
