"""``check --against FILE``: bad files are exit 2 before any work, fast; a file computed for another
model or other parameters is refused unless --allow-mismatch."""

from __future__ import annotations

import json
import time

import pytest

from cli_helpers import run_cli

M = "rank-one-denoising"
P = ("c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10")


def _check(path, *extra):
    t0 = time.perf_counter()
    status, out, err = run_cli("check", M, *P, "--n", "200", "--seeds", "3", "--against", str(path), *extra)
    return status, out, err, time.perf_counter() - t0


def test_a_file_with_300000_times_is_refused_in_seconds(tmp_path):
    f = tmp_path / "big.json"
    times = [str(i) for i in range(1, 300001)]
    f.write_text(json.dumps({"times": times, "observables": {"m_u": ["0.5"] * len(times)}}))
    status, out, err, seconds = _check(f)
    assert status == 2 and "at most 10000" in err and seconds < 10


@pytest.mark.parametrize("content", [b"[" * 100000 + b"]" * 100000,
                                     b'{"times": ["1"], "observables": {"m_u": ' + b"[" * 100000 + b"]" * 100000 + b"}}",
                                     '{"times": ["1"], "observables": {"m_u": ["0.5"]}, "x": "caf\xe9"}'.encode("latin-1"),
                                     b"\xff\xfe{}"])
def test_nested_or_non_utf8_files_are_not_valid_json(tmp_path, content):
    f = tmp_path / "bad.json"
    f.write_bytes(content)
    status, out, err, seconds = _check(f)
    assert status == 2 and "not valid JSON" in err and seconds < 10
    assert len(err.strip().splitlines()) == 1


def test_a_huge_file_is_refused_without_reading_it(tmp_path):
    f = tmp_path / "huge.json"
    with open(f, "wb") as fh:
        fh.truncate(200_000_000)  # sparse: nothing is written
    status, out, err, seconds = _check(f)
    assert status == 2 and "MB" in err and seconds < 10


def test_predictions_for_other_parameters_are_refused_unless_allowed(tmp_path):
    status, out, _ = run_cli("eval", M, "c=1/3", "theta=6/5", "alpha=1/10", "beta=1/10", "--t", "1,5", "--json")
    assert status == 0
    f = tmp_path / "mine.json"
    f.write_text(out)
    status, _, err, _ = _check(f)
    assert status == 2 and "c=1/3" in err and "--allow-mismatch" in err
    status, _, err, _ = _check(f, "--allow-mismatch")
    assert status in (0, 1), err


def test_predictions_for_another_model_are_refused(tmp_path):
    f = tmp_path / "w.json"
    f.write_text(json.dumps({"model": "spiked-wigner", "times": ["1"], "observables": {"m_u": ["0.2"]}}))
    status, _, err, _ = _check(f)
    assert status == 2 and "model spiked-wigner" in err


def test_predictions_for_the_same_parameters_are_accepted(tmp_path):
    status, out, _ = run_cli("eval", M, *P, "--t", "1,5", "--json")
    f = tmp_path / "same.json"
    f.write_text(out)
    status, _, err, _ = _check(f)
    assert status == 0, err
