"""Shared fixtures."""

from __future__ import annotations

import os

# One BLAS thread per process in the test session: on a small shared machine multi-threaded
# OpenBLAS oversubscribes the cores (measured: eigh of 100 x 100 took 220 ms with 2 threads
# against 0.8 ms with one).  Set before numpy is first imported; an explicit setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import pytest  # noqa: E402

import symdyn as sd


@pytest.fixture(scope="session")
def rank_one():
    return sd.model("rank-one-denoising")

