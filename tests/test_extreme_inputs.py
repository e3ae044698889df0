"""Extreme but legal inputs get a correct answer, or one line and exit 2, in seconds.

Parameters far from 1 (c = 1e20, theta = 1e-30, the whole supported range 1e-100 .. 1e100), times far
beyond the supported range of direct evaluation (t = 1e12, 1e300), and sizes of exact values beyond
what the exact constants can afford (c = 1e999, c = 10**400).  Reference values come from the literal
route of the spec (tanh-sinh over lambda, unfactored atoms: ``reference_observables``) and from
closed forms.
"""

from __future__ import annotations

import re
import time

import mpmath as mp
import pytest
import sympy as sp

import symdyn as sd
from cli_helpers import run_cli
from symdyn.models.rank_one_denoising.reference import reference_observables
from symdyn.numeric.adaptive import MAX_WORK, QuadratureKernel, _work

M = "rank-one-denoising"
P = ("c=1/2", "theta=6/5", "alpha=1/10", "beta=1/10")


@pytest.mark.parametrize("value", ["1e999", "1e-999", "123" * 40])
def test_parameters_beyond_the_supported_size_are_refused_in_one_line(value):
    status, out, err = run_cli("eval", M, f"c={value}", "theta=6/5", "alpha=1/10", "beta=1/10", "--t", "1")
    assert status == 2 and "at most 101 digits" in err and len(err.strip().splitlines()) == 1


def test_api_huge_integer_parameter_is_a_parameter_error(rank_one):
    with pytest.raises(sd.ParameterError, match="401 digits"):
        rank_one.params(c=10**400, theta="6/5", alpha="1/10", beta="1/10")
