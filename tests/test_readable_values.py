"""Closed forms are readable text for people (``-2^(3/4)/2``, never ``2**(3/4)``) in the terminal and in JSON
``params``; the exact machine-readable form stays in ``params_exact`` (SymPy reads it back exactly)."""

from __future__ import annotations

import sympy as sp

import symdyn as sd
from symdyn.exact import readable

from cli_helpers import run_cli, run_json

M = "rank-one-denoising"


def test_readable_uses_carets_and_keeps_rationals():
    two = sp.Integer(2)
    assert readable(-two ** sp.Rational(3, 4) / 2) == "-2^(3/4)/2"
    assert readable(sp.Rational(-6, 5)) == "-6/5" and readable(sp.Integer(3)) == "3"
    assert readable(sp.sqrt(2) / 2) == "sqrt(2)/2"
    assert readable((sp.Integer(3), sp.Rational(1, 2))) == "3,1/2" and readable("F1") == "F1"
    for expr in (two ** sp.Rational(3, 4) / 2, 3 ** sp.Rational(-1, 4), (1 + sp.sqrt(3)) ** 2):
        assert "**" not in readable(expr)
        assert sp.sympify(readable(expr), convert_xor=True) == expr


def test_json_params_are_readable_and_params_exact_is_exact():
    data = run_json("eval", M, "c=1/2", "theta=threshold", "alpha=1/10", "beta=1/10", "--t", "1")
    assert data["params"]["theta"] == "2^(3/4)/2"
    assert data["params_exact"]["theta"] == "2**(3/4)/2"
    p = sd.model(M).params(c="1/2", theta="threshold")
    assert sp.sympify(data["params_exact"]["theta"]) == p["theta"]
    assert data["params"]["c"] == data["params_exact"]["c"] == "1/2"


def test_terminal_closed_forms_have_no_double_stars():
    status, out, err = run_cli("boundary", M, "threshold", "c=1/2", "convention=noise-sigma", "sigma=3/2")
    assert status == 0, err
    assert "**" not in out and "^(3/4)" in out
    status, out, err = run_cli("limit", M, "c=1/2", "theta=threshold", "alpha=3/10", "beta=1/2")
    assert status == 0, err
    assert "**" not in out
