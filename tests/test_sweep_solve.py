"""Solved phase boundaries (--solve NAME=LO:HI --equals VALUE): closed forms where they exist,
direct evaluation at the root otherwise, certified enclosures proved by sign changes."""

from __future__ import annotations

from fractions import Fraction

import mpmath as mp
import pytest
import sympy as sp

import symdyn as sd
from symdyn.sweep import find_root, sweep

from cli_helpers import run_cli, run_json
from sweep_toy import toy  # noqa: F401  (the fixture registering toy-sweep)

ROD = "rank-one-denoising"
pytestmark = pytest.mark.usefixtures("toy")


def _mp(text: str) -> mp.mpf:
    r = sd.parse_number(text)
    return mp.mpf(int(r.p)) / int(r.q)


def test_bracketing_root_finder_converges_where_newton_would_leave_the_bracket():
    # atan(x - 1/3) on [-20, 20]: Newton from an end overshoots; the bracket keeps the search inside
    root = find_root(lambda x: mp.atan(mp.mpf(int(x.p)) / int(x.q) - mp.mpf(1) / 3), sp.Integer(-20),
                     sp.Integer(20), dps=50)
    with mp.workdps(60):
        assert abs(root.x - mp.mpf(1) / 3) < mp.mpf(10) ** -52
        assert root.a - mp.mpf(10) ** -60 <= mp.mpf(1) / 3 <= root.b + mp.mpf(10) ** -60 and root.b - root.a < 1e-52
    assert root.evaluations < 40
    with pytest.raises(sd.UnsupportedError, match="no sign change"):
        find_root(lambda x: (mp.mpf(int(x.p)) / int(x.q)) ** 2 + 1, sp.Integer(-1), sp.Integer(1), dps=30)


@pytest.mark.parametrize("dps", [30, 60])
def test_solved_critical_ratio_boundary_matches_the_closed_form(dps):
    # critical-ratio = -sqrt((theta^2 + c)/(theta^2 + 1)) = r  <=>  theta = sqrt((r^2 - c)/(1 - r^2))
    res = sweep(ROD, "critical-ratio", {}, {"c": "1/4:1/2:3"}, dps=dps, solve="theta=1:3", equals="-9/10")
    assert res.failed == 0
    with mp.workdps(dps + 20):
        r = mp.mpf(-9) / 10
        for p in res.points:
            c = _mp(p.params["c"])
            exact = mp.sqrt((r**2 - c) / (1 - r**2))
            assert abs(_mp(p.values["theta"]) - exact) < exact * mp.mpf(10) ** (2 - dps)


def test_solved_threshold_matches_the_closed_form():
    # noise-sigma: theta_c = sigma c^(1/4) = 1  <=>  c = sigma^-4
    res = sweep(ROD, "threshold", {"convention": "noise-sigma"}, {"sigma": "1/2:2:4"}, dps=40,
                solve="c=1/1000:1000", equals="1")
    with mp.workdps(60):
        for p in res.points:
            exact = _mp(p.params["sigma"]) ** -4
            assert abs(_mp(p.values["c"]) - exact) < exact * mp.mpf(10) ** -38


def test_readme_example_theta_where_the_limit_of_m_u_is_one_half(rank_one):
    status, out, err = run_cli("sweep", ROD, "limit:m_u", "c=1/4:1:4", "alpha=1/5", "beta=1/10",
                               "--solve", "theta=1/2:3", "--equals", "1/2", "--json")
    assert status == 0, err
    data = run_json_from(out)
    assert [p["params"]["c"] for p in data["points"]] == ["1/4", "1/2", "3/4", "1"]
    dps = 30
    with mp.workdps(60):
        for p in data["points"]:
            theta = p["values"]["theta"]
            # closed form: m_u(inf) = sqrt(zeta_u) = 1/2 with zeta_u = (theta^4 - c)/(theta^2 (theta^2 + c))
            c = _mp(p["params"]["c"])
            exact = mp.sqrt((c + mp.sqrt(c**2 + 48 * c)) / 6)
            assert abs(_mp(theta) - exact) < mp.mpf(10) ** (2 - dps)
            # and the model itself at the printed root
            lim = rank_one.limit(rank_one.params(c=p["params"]["c"], alpha="1/5", beta="1/10", theta=theta),
                                 dps=dps, check=False)
            assert abs(lim.values["m_u"] - mp.mpf(1) / 2) < mp.mpf(10) ** (5 - dps)


def run_json_from(text: str):
    import json

    return json.loads(text)


def test_readme_example_alpha_where_m_u_at_t_10_vanishes(rank_one):
    # theta = 1, 2: d m_u / d alpha is about 4 and 5e3 there; at theta = 3 it is 4e7 and a 40-digit
    # root leaves a residual of 1e-34 (the rounding of the root, not the search)
    data = run_json("sweep", ROD, "m_u@10", "theta=1:2:2", "c=1/2", "beta=1/10", "--solve", "alpha=-1/2:1/2",
                    "--equals", "0", "--dps", "40")
    assert data["failed"] == 0 and len(data["points"]) == 2
    for p in data["points"]:
        alpha = p["values"]["alpha"]
        traj = rank_one.evaluate(rank_one.params(c="1/2", beta="1/10", theta=p["params"]["theta"], alpha=alpha),
                                 ["10"], dps=40, observables=["m_u"])
        assert abs(traj["m_u"][0]) < mp.mpf(10) ** -35
        assert -1 / 2 < float(alpha) < 0  # opposite sign of beta, near the critical ratio times beta


def test_certified_root_enclosure_is_proved_by_certified_signs_at_its_ends(rank_one):
    res = sweep(ROD, "critical-ratio", {"kappa": "1"}, {"c": "1/4:1/2:2"}, dps=30, certify=True,
                solve="theta=1:4", equals="-9/10")
    assert res.failed == 0
    with mp.workdps(80):
        for p in res.points:
            enc = p.enclosures["theta"]
            lo, hi, v = Fraction(enc["lower"]), Fraction(enc["upper"]), Fraction(p.values["theta"])
            assert lo <= v <= hi and (hi - lo) / v < Fraction(1, 10**29)
            # independently: the certified critical ratio at both ends straddles -9/10
            signs = []
            for end in (enc["lower"], enc["upper"]):
                q = rank_one.boundary("critical-ratio", rank_one.params(c=p.params["c"], theta=end),
                                      dps=40, certify=True)
                a, b = q.enclosures["ratio"]
                assert not (a <= mp.mpf(-9) / 10 <= b)
                signs.append(1 if a > mp.mpf(-9) / 10 else -1)
            assert signs[0] == -signs[1]
            # the closed form lies inside: r/kappa = -sqrt((theta^2 + c)/(theta^2 + 1))
            c, r2 = _mp(p.params["c"]), (mp.mpf(9) / 10) ** 2
            exact = mp.sqrt((r2 - c) / (1 - r2))
            assert mp.mpf(enc["lower"]) <= exact <= mp.mpf(enc["upper"])


def test_certified_solve_on_a_new_model_against_the_exact_root():
    # square = x^2 sum(w) = 2 with w = 3,2,1  <=>  x = 1/sqrt(3)
    res = sweep("toy-sweep", "square", {"w": "3,2,1"}, {},
                dps=40, certify=True, solve="x=1/10:3", equals="2")
    (p,) = res.points
    with mp.workdps(80):
        exact = 1 / mp.sqrt(3)
        assert mp.mpf(p.enclosures["x"]["lower"]) <= exact <= mp.mpf(p.enclosures["x"]["upper"])
        assert abs(_mp(p.values["x"]) - exact) < mp.mpf(10) ** -40


def test_a_root_whose_ends_cannot_be_separated_by_certified_signs_is_a_failed_point():
    # blur = 1e-30 widens every certified enclosure: near the root no end can be proved on one side
    res = sweep("toy-sweep", "square", {"w": "3,2,1", "blur": "1e-30"}, {}, dps=40, certify=True,
                solve="x=1/10:3", equals="2")
    (p,) = res.points
    assert p.status == "failed" and "could not prove a sign change" in p.message
    res = sweep("toy-sweep", "square", {"w": "3,2,1", "blur": "1e-30"}, {}, dps=40, solve="x=1/10:3", equals="2")
    assert res.points[0].ok  # the uncertified root is unaffected


def test_no_sign_change_is_a_failed_point_saying_so():
    status, out, err = run_cli("sweep", ROD, "critical-ratio", "c=1/2:2:2", "--solve", "theta=2:3", "--equals",
                               "-1/2", "--json")
    assert status == 1, err
    data = run_json_from(out)
    assert [p["status"] for p in data["points"]] == ["failed", "failed"]
    assert all("no sign change in [2, 3]" in p["message"] for p in data["points"])


def test_a_point_whose_bracket_end_cannot_be_evaluated_fails_with_the_model_reason():
    # theta = 1/2 is below the threshold of c = 1/2: the critical ratio does not exist there
    res = sweep(ROD, "critical-ratio", {}, {"c": "1/2:1/2:1"}, dps=30, solve="theta=1/2:3", equals="-9/10")
    assert res.points[0].status == "failed"
    assert res.points[0].message.startswith("at the bracket end theta=1/2: below threshold")
