"""Shared fixtures."""

from __future__ import annotations

import pytest

import symdyn as sd


@pytest.fixture(scope="session")
def rank_one():
    return sd.model("rank-one-denoising")
