"""Exact number parsing and parameter validation."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, strategies as st

import symdyn as sd
from symdyn.params import parse_number, parse_time


@pytest.mark.parametrize(
    "text, expected",
    [("1/2", sp.Rational(1, 2)), ("6/5", sp.Rational(6, 5)), ("-0.45", sp.Rational(-9, 20)),
     ("1e-30", sp.Rational(1, 10**30)), ("0.25", sp.Rational(1, 4)), ("  3 ", sp.Integer(3)),
     ("1.5/7", sp.Rational(3, 14)), ("+2E3", sp.Integer(2000)), (".5", sp.Rational(1, 2)),
     ("5.", sp.Integer(5))],
)
def test_parse_number_gives_exact_rationals(text, expected):
    value = parse_number(text)
    assert value == expected and isinstance(value, sp.Rational)


@pytest.mark.parametrize(
    "text",
    ["nan", "inf", "-inf", "1/0", "", "abc", "__import__('os')", "1+1", "2**3", "sqrt(2)", "0x10",
     "1_000", "1e", "1/2/3", "1e99999", "(1)", "pi", "1,5"],
)
def test_parse_number_rejects_everything_else(text):
    with pytest.raises(sd.ParameterError):
        parse_number(text)


def test_parse_number_never_evaluates_code(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    monkeypatch.chdir(tmp_path)
    with pytest.raises(sd.ParameterError):
        parse_number(f"__import__('pathlib').Path('{marker}').touch()")
    assert not marker.exists()


def test_floats_are_read_through_their_shortest_repr():
    assert parse_number(0.1) == sp.Rational(1, 10)
    with pytest.raises(sd.ParameterError):
        parse_number(float("nan"))
    with pytest.raises(sd.ParameterError):
        parse_number(True)


@given(st.fractions(max_denominator=10**12))
def test_fraction_text_round_trips_exactly(fr: Fraction):
    assert parse_number(f"{fr.numerator}/{fr.denominator}") == sp.Rational(fr.numerator, fr.denominator)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=12))
def test_decimal_text_round_trips_exactly(d):
    assert parse_number(str(d)) == sp.Rational(str(d))


def test_times_must_be_nonnegative_and_integer_for_gd():
    assert parse_time("5/2") == sp.Rational(5, 2)
    with pytest.raises(sd.ParameterError, match="negative"):
        parse_time("-1")
    with pytest.raises(sd.ParameterError, match="whole number"):
        parse_time("1.5", integer=True, name="k")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(c="0"), "c=0 is outside"),
        (dict(c="-1"), "outside its domain"),
        (dict(c="1", theta="0"), "theta=0 is outside"),
        (dict(c="1", alpha="1.5"), "|x| <= 1"),
        (dict(c="1", beta="-2"), "|x| <= 1"),
        (dict(c="1", gamma="2"), "unknown parameter 'gamma'"),
        (dict(c="1", theta="1", epsilon="0"), "either"),
        (dict(c="1", flow="F9"), "one of F1, F2, F3, F0"),
        (dict(c="1", convention="nope"), "one of canonical"),
        (dict(c="1", sigma="2"), "only used by convention=noise-sigma"),
        (dict(c="1", convention="spheres-sqrt", kappa="2"), "fixes kappa"),
        (dict(theta="threshold"), "missing parameter c"),
        (dict(c="1/2", theta="6/5", ratio="3", beta="1/2"), "|alpha| > 1"),
    ],
)
def test_bad_parameters_give_one_line_errors(rank_one, kwargs, message):
    with pytest.raises(sd.ParameterError, match=message.replace("|", r"\|").replace("(", r"\(")) as info:
        rank_one.params(**kwargs)
    assert "\n" not in str(info.value)


def test_special_words_resolve_exactly(rank_one):
    p = rank_one.params(c="1/16", theta="threshold", alpha="critical", beta="3/10")
    assert p["theta"] == sp.Rational(1, 2)
    can = rank_one.canonical(p)
    # alpha/beta equals the critical ratio exactly
    assert sp.simplify(can.alpha / can.beta + sp.sqrt((can.theta**2 + can.c) / (can.theta**2 + 1))) == 0
    q = rank_one.params(c="1/2", epsilon="1e-20", ratio="-9/10", beta="3/10")
    assert q["alpha"] == sp.Rational(-27, 100)
    assert sd.exact_sign(rank_one.canonical(q).theta**4 - sp.Rational(1, 2)) == 1


def test_inconsistent_flow_and_kappa_are_rejected(rank_one):
    p = rank_one.params(c="1/2", theta="1", alpha="0", beta="0", kappa="2")
    with pytest.raises(sd.ParameterError, match="flow=F1 needs balanced"):
        rank_one.canonical(p)
    p = rank_one.params(c="1/2", theta="1", alpha="0", beta="0", eta="1/10", flow="F3")
    with pytest.raises(sd.ParameterError, match="no flow choice"):
        rank_one.canonical(p)


def test_missing_parameters_are_named(rank_one):
    p = rank_one.params(c="1/2", theta="6/5", alpha="1/10")
    with pytest.raises(sd.ParameterError, match="missing parameter beta"):
        rank_one.evaluate(p, ["1"])


def test_exponent_limit_is_inclusive_and_symmetric():
    from symdyn.params import MAX_EXPONENT as E

    assert parse_number(f"1e{E}") == sp.Integer(10) ** E
    assert parse_number(f"1e-{E}") == sp.Rational(1, 10**E)
    assert parse_number(f"2.5e+{E}/5e{E}") == sp.Rational(1, 2)
    for text in (f"1e{E + 1}", f"1e-{E + 1}", f"1/1e{E + 1}"):
        with pytest.raises(sd.ParameterError, match=f"exponent beyond \\+-{E}"):
            parse_number(text)


def test_precision_range_is_inclusive_at_both_ends():
    from symdyn.params import MAX_DPS, MIN_DPS, check_dps

    assert check_dps(MIN_DPS) == MIN_DPS and check_dps(MAX_DPS) == MAX_DPS
    for bad in (MIN_DPS - 1, MAX_DPS + 1):
        with pytest.raises(sd.ParameterError, match="outside the supported range"):
            check_dps(bad)


# ----------------------------------------------------------------------------- echoed values are short

@pytest.mark.parametrize("value", ["1" * 10**8, "x" * 5000, "1/" + "2" * 30000, "9" * 300 + "e5x"])
def test_a_huge_value_is_refused_with_a_short_message(rank_one, value):
    with pytest.raises(sd.ParameterError) as info:
        rank_one.params(c=value)
    message = str(info.value)
    assert len(message) < 250 and "characters" in message and "\n" not in message


def test_every_symdyn_error_cuts_long_words():
    err = sd.ParameterError("unknown observable '" + "m" * 10**6 + "': available are m_u, m_v")
    assert len(str(err)) < 200 and str(err).endswith("characters): available are m_u, m_v")


def test_numpy_scalars_are_exact_values(rank_one):
    np = pytest.importorskip("numpy")
    p = rank_one.params(c=np.float64(0.5), theta=np.float32(1.5), alpha=np.int64(0), beta=np.float64(0.1))
    assert p["c"] == sp.Rational(1, 2) and p["theta"] == sp.Rational(3, 2) and p["beta"] == sp.Rational(1, 10)
    assert p["alpha"] == 0


@pytest.mark.parametrize("text", ["١", "１/２", "½", "٠.٥", "1e٣", "²"])
def test_non_ascii_digits_are_refused_by_one_rule(text):
    with pytest.raises(sd.ParameterError, match="is not a number"):
        parse_number(text)


def test_step_counts_beyond_2_to_the_53_are_refused():
    assert parse_time(str(2**53), integer=True) == 2**53
    with pytest.raises(sd.ParameterError, match="2\\^53"):
        parse_time(str(2**53 + 1), integer=True)
    assert parse_time(str(2**60)) == 2**60  # continuous times have the evaluator's own range check
