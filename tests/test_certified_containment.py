"""Certified means contained: every printed value of an enclosure lies inside its own printed
``[lower, upper]``, for every certified output (``eval --certify``, ``boundary --certify``, the Python
API's CertifiedValue / Quantity and their ``str``), at random points, precisions and models.

The three strings are read as exact rationals (``Fraction``: exact, stronger than a high-precision
mpmath parse), and the true value from an independent route (closed forms in mpmath at three times
the precision; the quadrature evaluator at dps + 20 for trajectories) must lie inside as well.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import mpmath as mp
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

pytest.importorskip("flint")

import symdyn as sd  # noqa: E402
from symdyn.certify import mpf_to_fraction  # noqa: E402
from cli_helpers import run_cli  # noqa: E402

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


def _rational(lo: int, hi: int, den: int = 40):
    return st.builds(lambda k, d: Fraction(k, d), st.integers(lo * den, hi * den), st.just(den)).filter(
        lambda f: f != 0)


def _text(f: Fraction) -> str:
    return f"{f.numerator}/{f.denominator}"


def _to_fraction(x: mp.mpf) -> Fraction:
    return mpf_to_fraction(x)  # exact (no mp.mpf(...): that would round to the global precision)


def _assert_contained(value: str, lower: str, upper: str, where: str) -> tuple[Fraction, Fraction]:
    v, lo, hi = Fraction(value), Fraction(lower), Fraction(upper)
    assert lo <= v <= hi, f"{where}: value {value} outside [{lower}, {upper}]"
    return lo, hi


# ----------------------------------------------------------------------------- points

rank_one_theta = st.one_of(st.just("threshold"), _rational(1, 3).map(_text))


@st.composite
def rank_one_point(draw, need_alpha: bool = True):
    c = draw(_rational(0, 3).filter(lambda f: f > Fraction(1, 20)))
    theta = draw(rank_one_theta)
    words = [f"c={_text(c)}", f"theta={theta}"]
    if need_alpha:
        words += [f"alpha={_text(draw(_rational(-1, 1).filter(lambda f: abs(f) < 1)))}",
                  f"beta={_text(draw(_rational(-1, 1).filter(lambda f: abs(f) < 1)))}"]
    return words


def _above(words: list[str]) -> bool:
    kv = dict(w.split("=") for w in words)
    if kv["theta"] == "threshold":
        return False
    return Fraction(kv["theta"]) ** 4 > Fraction(kv["c"])


# ----------------------------------------------------------------------------- eval --certify

@settings(max_examples=10, **SETTINGS)
@given(point=rank_one_point(), t=_rational(0, 8, 4).map(_text), dps=st.integers(15, 40))
def test_eval_certify_values_lie_in_their_printed_intervals(point, t, dps):
    status, out, err = run_cli("eval", "rank-one-denoising", *point, "--t", t, "--dps", str(dps), "--certify",
                               "--observables", "m_u,m_v", "--json")
    assert status == 0, err
    data = json.loads(out)
    m = sd.model("rank-one-denoising")
    ref = m.evaluate(m.params(**dict(w.split("=") for w in point)), [t], dps=dps + 20, observables=["m_u", "m_v"])
    for name, entries in data["observables"].items():
        lo, hi = _assert_contained(entries[0]["value"], entries[0]["lower"], entries[0]["upper"], name)
        true = _to_fraction(ref[name][0])
        err_bound = _to_fraction(ref.errors(name)[0] or mp.zero) * 10 + Fraction(1, 10 ** (dps + 15))
        assert lo - err_bound <= true <= hi + err_bound, (name, point, t)


@settings(max_examples=10, **SETTINGS)
@given(point=rank_one_point(), t=_rational(0, 8, 4).map(_text), dps=st.integers(15, 40))
def test_eval_certify_text_shows_the_json_strings_and_they_are_contained(point, t, dps):
    status, out, err = run_cli("eval", "rank-one-denoising", *point, "--t", t, "--dps", str(dps), "--certify",
                               "--observables", "m_u")
    assert status == 0, err
    m = re.search(r"m_u = (\S+)\s+in \[(\S+), (\S+)\]", out)
    assert m, out
    _assert_contained(m.group(1), m.group(2), m.group(3), "m_u text")


# ----------------------------------------------------------------------------- boundary --certify

_RANK_ONE_QUANTITIES = ("threshold", "critical-ratio", "outlier", "overlaps", "edge", "relaxation-time")


def _closed_form_reference(model: str, quantity: str, kv: dict[str, str], dps: int) -> dict[str, mp.mpf]:
    """Independent closed forms in mpmath (not the code under test's SymPy expressions)."""
    with mp.workdps(3 * dps + 20):
        if model == "spiked-wigner":
            th = mp.mpf(1) if kv.get("theta") == "threshold" else mp.mpf(Fraction(kv["theta"]).numerator) / Fraction(kv["theta"]).denominator
            return {"threshold": {"theta_c": mp.mpf(1)}, "edge": {"edge": mp.mpf(2)},
                    "outlier": {"lambda_star": th + 1 / th if th > 1 else mp.mpf(2)},
                    "overlap": {"zeta": 1 - th ** -2 if th > 1 else mp.mpf(0)}}[quantity]  # noqa: E501
        c = mp.mpf(Fraction(kv["c"]).numerator) / Fraction(kv["c"]).denominator
        th = c ** 0.25 if kv.get("theta", "threshold") == "threshold" else (
            mp.mpf(Fraction(kv["theta"]).numerator) / Fraction(kv["theta"]).denominator)
        above = th ** 4 > c
        s1 = mp.sqrt((1 + th**2) * (c + th**2)) / th
        forms = {
            "threshold": lambda: {"theta_c": mp.root(c, 4)},
            "edge": lambda: {"s_plus": 1 + mp.sqrt(c)},
            "critical-ratio": lambda: {"ratio": -mp.sqrt((th**2 + c) / (th**2 + 1))},
            "outlier": lambda: {"s1": s1 if above else 1 + mp.sqrt(c),
                                "lambda_star": s1**2 if above else (1 + mp.sqrt(c)) ** 2},
            "overlaps": lambda: {"zeta_u": (th**4 - c) / (th**2 * (th**2 + c)) if above else mp.mpf(0),
                                 "zeta_v": (th**4 - c) / (th**2 * (th**2 + 1)) if above else mp.mpf(0)},
            "relaxation-time": lambda: {"time": 1 / (s1 - 1 - mp.sqrt(c))},
        }
        return forms[quantity]()


@st.composite
def boundary_request(draw):
    model = draw(st.sampled_from(["rank-one-denoising", "spiked-wigner"]))
    if model == "spiked-wigner":
        quantity = draw(st.sampled_from(["threshold", "outlier", "overlap", "edge"]))
        theta = draw(st.one_of(st.just("threshold"), _rational(0, 3).map(_text)))
        return model, quantity, [f"theta={theta}"]
    quantity = draw(st.sampled_from(_RANK_ONE_QUANTITIES))
    point = draw(rank_one_point(need_alpha=False))
    if quantity == "relaxation-time" and not _above(point):
        point = [point[0], "theta=3"]
    if quantity == "critical-ratio" and not (_above(point) or point[1] == "theta=threshold"):
        point = [point[0], "theta=threshold"]
    return model, quantity, point


@settings(max_examples=40, **SETTINGS)
@given(request=boundary_request(), dps=st.integers(15, 80))
def test_boundary_certify_values_lie_in_their_printed_intervals(request, dps):
    model, quantity, point = request
    status, out, err = run_cli("boundary", model, quantity, *point, "--dps", str(dps), "--certify", "--json")
    assert status == 0, err
    data = json.loads(out)
    _assert_contained(data["value"], data["lower"], data["upper"], quantity)
    ref = _closed_form_reference(model, quantity, dict(w.split("=") for w in point), dps)
    for key, enc in data["enclosures"].items():
        lo, hi = _assert_contained(data["values"][key], enc["lower"], enc["upper"], key)
        with mp.workdps(3 * dps + 20):
            assert lo <= _to_fraction(ref[key]) <= hi, (key, point)
    status, text, err = run_cli("boundary", model, quantity, *point, "--dps", str(dps), "--certify")
    assert status == 0, err
    for m in re.finditer(r"(\w+) = (\S+).*\n\s+certified in \[(\S+), (\S+)\]", text):
        _assert_contained(m.group(2), m.group(3), m.group(4), f"{m.group(1)} text")
    assert "certified in" in text


# ----------------------------------------------------------------------------- the Python API

@settings(max_examples=25, **SETTINGS)
@given(request=boundary_request(), dps=st.integers(15, 60))
def test_api_quantity_value_lies_in_its_enclosure_as_number_and_as_text(request, dps):
    model, quantity, point = request
    m = sd.model(model)
    q = m.boundary(quantity, m.params(**dict(w.split("=") for w in point)), dps=dps, certify=True)
    for key, (lo, hi) in q.enclosures.items():
        assert lo <= q.values[key] <= hi                        # the API's number
        d = q.decimals(key)
        slo, shi = _assert_contained(d["value"], d["lower"], d["upper"], key)
        assert slo <= _to_fraction(lo) and _to_fraction(hi) <= shi  # text rounded outward
        assert d["value"] in str(q) and d["lower"] in str(q)      # str shows the same strings


@settings(max_examples=6, **SETTINGS)
@given(point=rank_one_point(), t=_rational(0, 8, 4).map(_text), dps=st.integers(15, 40))
def test_api_certified_value_lies_in_its_enclosure_as_number_and_as_text(point, t, dps):
    m = sd.model("rank-one-denoising")
    tr = m.certify_trajectory(m.params(**dict(w.split("=") for w in point)), [t], dps=dps, observables=["m_u"])
    cv = tr["m_u"][0]
    assert cv.lower <= cv.value <= cv.upper
    j = cv.to_json()
    lo, hi = _assert_contained(j["value"], j["lower"], j["upper"], "m_u")
    assert lo <= _to_fraction(cv.lower) and _to_fraction(cv.upper) <= hi
    assert j["value"] in str(cv) and j["upper"] in str(cv)


def test_readme_example_prints_a_value_inside_its_interval():
    status, out, err = run_cli("boundary", "rank-one-denoising", "critical-ratio", "c=1/2", "theta=threshold",
                               "--certify", "--dps", "30")
    assert status == 0, err
    m = re.search(r"ratio = (\S+).*\n\s+certified in \[(\S+), (\S+)\]", out)
    _assert_contained(m.group(1), m.group(2), m.group(3), "ratio")
    # the closed form -2^(3/4)/2 is inside, too
    with mp.workdps(100):
        true = _to_fraction(-mp.mpf(2) ** 0.75 / 2)
    assert Fraction(m.group(2)) <= true <= Fraction(m.group(3))
