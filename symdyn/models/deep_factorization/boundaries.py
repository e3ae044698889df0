"""The deep-factorization quantities as :class:`~symdyn.results.Quantity` objects (``symdyn boundary``).

Every quantity is computed by the model's own modules (closed forms, proved step counts, the interval,
the perturbation); this module only validates what each one needs, attaches the approximations with their
error orders (the ``alpha -> 0`` asymptotics, the modified-equation step estimate), a numerical check of the
stated order where there is one (:func:`symdyn.asymptotics.order_check`), and the notes.  Values that are
infinite (``T1`` without a component ``k + 1`` to learn) are ``mp.inf``, printed ``"inf"``, with a note.

With ``eta`` every time is an exact GD step count (an integer); without it a flow time at ``dps`` digits.
"""

from __future__ import annotations

from typing import Any, Callable

import mpmath as mp
import sympy as sp

from ...asymptotics import order_check
from ...errors import ParameterError
from ...results import Approximation, Quantity
from . import closed_forms as cf
from . import interval as iv
from . import perturbation as pt
from . import steps as st_
from .canonical import Canonical, canonical
from .certified import certify_time_to_reach, time_to_reach_exact

__all__ = ["COMPUTED"]


def _mp(x: Any, dps: int) -> mp.mpf:
    with mp.workdps(dps):
        if isinstance(x, mp.mpf):
            return +x
        return mp.mpf(int(x)) if isinstance(x, int) else mp.mpf(x)


def _inf(dps: int) -> mp.mpf:
    with mp.workdps(dps):
        return mp.inf


def _approx(a: iv.Approximation, key: str, dps: int, exact: Any = None) -> Approximation:
    dev = {}
    if exact is not None and mp.isfinite(exact) and mp.isfinite(a.value):
        with mp.workdps(dps):
            dev = {key: mp.mpf(exact) - a.value}
    return Approximation(a.name, {key: _mp(a.value, dps)}, a.description, a.error_order or "", deviation=dev)


def _quantity(model, name: str, params, dps: int, values: dict, method: str, *, exact=None, regime=None,
              note: str = "", approximations=(), check=None, enclosures=None) -> Quantity:
    return Quantity(model=model.name, quantity=name, params=params, dps=dps, values=values, exact=exact or {},
                    method=method, regime=regime, note=note, approximations=tuple(approximations), check=check,
                    enclosures=enclosures)


def _k(can: Canonical, params) -> int:
    params.require("k", purpose="this quantity")
    return int(params["k"])


def _no_certify(name: str, certify: bool) -> None:
    if certify:
        raise ParameterError(f"{name} is not certifiable: only time-to-reach has a rigorous enclosure (--certify)")


def _smaller_inits(can: Canonical) -> list[dict[str, Any]]:
    """``alpha, alpha/2, alpha/4`` (or ``lambda0, lambda0 2^-N, lambda0 4^-N``) for the order checks."""
    if can.alpha.is_Rational:
        return [{"alpha": can.alpha / 2**j} for j in range(3)]
    return [{"lambda0": can.lambda0 / 2 ** (j * can.N)} for j in range(3)]


# ----------------------------------------------------------------------------- time to reach


def time_to_reach(model, params, *, dps: int, certify: bool) -> Quantity:
    can = canonical(params, need=("N", "s", "level", "init"))
    s, lev, N = can.s, can.level, can.N
    init = can.init()
    if can.gd:
        _no_certify("time-to-reach with eta (a step count)", certify)
        h = st_.hitting_steps(s, [lev], N, can.eta, **init)
        me = st_.modified_equation_steps(s, lev, N, can.eta, **init, dps=dps)
        n = h.steps[0]
        approx = [Approximation("modified-equation", {"steps": _mp(me.steps, dps)},
                                "ceil(T/eta + (1/2) log(g(w1)/g(w0))), g(w) = w^(N-1)(s - w^N) (spec 3.4)",
                                "+-1 step (O(eta))", deviation={"steps": _mp(n - me.steps, dps)}),
                  Approximation("flow", {"steps": me.flow_steps}, "T/eta: the flow time in steps, uncorrected",
                                "O(log(1/alpha)) steps", deviation={"steps": _mp(n, dps) - me.flow_steps})]
        return _quantity(model, "time-to-reach", params, dps, {"steps": _mp(n, dps)}, h.method,
                         exact={"steps": sp.Integer(n)}, approximations=approx,
                         note=f"exact first step with lambda_n >= level*s ({h.precision})")
    T = cf.time_to_reach(s, lev, N, **init, dps=dps)
    values = {"time": T.value}
    if T.singular is not None:
        values.update(singular=T.singular, regular=T.regular)
    exact, approx, check, enclosures, method = {}, [], None, None, T.method
    if T.case == "none":
        return _quantity(model, "time-to-reach", params, dps, values, T.method, note="; ".join(T.notes))
    exact = {"time": time_to_reach_exact(s, lev, N, **init)}
    for terms in (2, 3):
        a = cf.time_to_reach_asymptotic(s, lev, N, **init, dps=dps, terms=terms)
        with mp.workdps(dps):
            approx.append(Approximation(f"asymptotic-{terms}", {"time": a.value}, " + ".join(a.names), a.error_order,
                                        deviation={"time": T.value - a.value}))
    if can.lambda0 < lev * s / 1000:
        inits = _smaller_inits(can)

        def dev(h: sp.Rational) -> mp.mpf:
            kw = inits[[d_["alpha" if "alpha" in d_ else "lambda0"] for d_ in inits].index(h)]
            exact_T = cf.time_to_reach(s, lev, N, **kw, dps=dps).value
            return exact_T - cf.time_to_reach_asymptotic(s, lev, N, **kw, dps=dps, terms=2).value

        key = "alpha" if "alpha" in inits[0] else "lambda0"
        check = order_check(dev, [d_[key] for d_ in inits], order=2 if key == "alpha" else 2 / N, name=key,
                            dps=dps, what="the two-term asymptotic time (error O(alpha^2))")
    if certify:
        c = certify_time_to_reach(s, lev, N, **init, dps=dps)
        enclosures = {"time": (c.lower, c.upper)}
        values = {"time": c.value}
        method = c.method
    return _quantity(model, "time-to-reach", params, dps, values, method, exact=exact, approximations=approx,
                     check=check, enclosures=enclosures,
                     note="singular = the part that diverges as alpha -> 0, regular = the O(1) rest")


# ----------------------------------------------------------------------------- the interval


def _endpoint(model, name: str, params, dps: int, certify: bool,
              fn: Callable[[iv.Setting, int], iv.Endpoint]) -> Quantity:
    _no_certify(name, certify)
    can = canonical(params, need=("N", "sigma", "init"))
    k = _k(can, params)
    e = fn(can.setting(), k, dps=dps)
    value = _mp(e.value, dps) if e.finite else _inf(dps)
    values = {name: value}
    notes = list(e.notes)
    if e.index is not None:
        values["component"] = _mp(e.index, dps)
    if not e.finite:
        notes.insert(0, f"{name}({k}) is infinite")
    unit = "GD steps" if e.in_steps else "flow time"
    exact = {name: sp.Integer(int(e.value))} if e.in_steps and e.finite else {}
    return _quantity(model, name, params, dps, values, e.method, exact=exact,
                     approximations=[_approx(a, name, dps, value) for a in e.approximations],
                     note="; ".join([f"in {unit}"] + notes))


def T0(model, params, *, dps: int, certify: bool) -> Quantity:
    return _endpoint(model, "T0", params, dps, certify, iv.T0)


def T1(model, params, *, dps: int, certify: bool) -> Quantity:
    return _endpoint(model, "T1", params, dps, certify, iv.T1)


def _regime(length: Any) -> str:
    return "nonempty-interval" if length > 0 else "empty-interval"


def interval_length(model, params, *, dps: int, certify: bool) -> Quantity:
    _no_certify("interval-length", certify)
    can = canonical(params, need=("N", "sigma", "init"))
    k = _k(can, params)
    st = can.setting()
    L = iv.interval_length(st, k, dps=dps)
    with mp.workdps(dps):
        value = mp.inf if not L.T1.finite else mp.mpf(L.value)
    values = {"length": value, "T0": _mp(L.T0.value, dps),
              "T1": _mp(L.T1.value, dps) if L.T1.finite else _inf(dps)}
    approx, check, notes = [], None, []
    if not L.T1.finite:
        notes.append(f"T1({k}) is infinite: " + "; ".join(L.T1.notes))
    if L.asymptotic is not None:
        approx.append(_approx(L.asymptotic, "length", dps, value))
        if can.alpha.is_Rational and not st.eta:
            def dev(a: sp.Rational) -> mp.mpf:
                s2 = iv.setting(st.lam, st.N, alpha=a, eps_learn=st.eps_learn, eps_small=st.eps_small)
                return iv.interval_length(s2, k, dps=dps).value - iv.asymptotic_length(s2, k, dps=dps).value

            check = order_check(dev, [can.alpha / 2**j for j in range(3)], order=2, name="alpha", dps=dps,
                                what="the asymptotic interval length (spec 3.5, error O(alpha^2))")
    if st.eta is not None and L.T1.finite:
        m0 = next((a for a in L.T0.approximations if a.name == "modified-equation"), None)
        m1 = next((a for a in L.T1.approximations if a.name == "modified-equation"), None)
        if m0 is not None and m1 is not None:
            with mp.workdps(dps):
                est = m1.value - m0.value
            approx.append(Approximation("modified-equation", {"length": est},
                                        "difference of the modified-equation step estimates", "+-2 steps",
                                        deviation={"length": value - est}))
    exact = {"length": sp.Integer(int(L.value))} if st.eta is not None and L.T1.finite else {}
    return _quantity(model, "interval-length", params, dps, values, L.method, regime=_regime(value), exact=exact,
                     approximations=approx, check=check,
                     note="; ".join(["in GD steps" if st.eta is not None else "in flow time"] + notes))


def condition(model, params, *, dps: int, certify: bool) -> Quantity:
    _no_certify("condition", certify)
    can = canonical(params, need=("N", "sigma", "init"))
    k = _k(can, params)
    c = iv.condition(can.setting(), k, dps=dps)
    with mp.workdps(dps):
        one, zero = mp.mpf(1), mp.mpf(0)
        margin = mp.inf if not c.length.T1.finite else mp.mpf(c.margin)
    values = {"nonempty": one if c.nonempty else zero, "margin": margin}
    if c.lhs is not None:
        values.update(asymptotic_lhs=c.lhs, asymptotic_rhs=c.rhs,
                      asymptotic_nonempty=one if c.asymptotic_nonempty else zero)
    if c.step is not None:
        values.update(step_monotone_margin=c.step.margin_monotone, step_stable_margin=c.step.margin_stable)
    note = ("nonempty = [T0, T1) is nonempty (exact margin T1 - T0); the asymptotic spectral condition (alpha -> 0, "
            "error O(alpha^2)): " + c.statement + " (lhs > rhs)")
    return _quantity(model, "condition", params, dps, values, c.length.method, regime=_regime(margin), note=note)


def step_condition(model, params, *, dps: int, certify: bool) -> Quantity:
    _no_certify("step-condition", certify)
    params.require("eta", purpose="step-condition")
    can = canonical(params, need=("N",))
    if can.sigma is None and can.s is None:
        raise ParameterError("missing parameter sigma (or s): step-condition needs the target eigenvalues")
    lam = can.lam_hat if can.sigma is not None else (can.s,)
    init = can.init() if can.lambda0 is not None else {}
    c = st_.step_condition(lam, can.N, can.eta, **init, dps=dps)
    values = {"c": c.value, "margin_monotone": c.margin_monotone, "margin_stable": c.margin_stable}
    notes = [f"c = eta N s_max^(2-2/N) with s_max = {c.s_max}: monotone (no overshoot) iff c <= 1 "
             f"({'yes' if c.monotone else 'no'}), locally stable iff c < 2 ({'yes' if c.stable else 'no'})"]
    for v, m, ok in c.negative:
        notes.append(f"negative target {float(v):.6g}: margin 1 - eta alpha^(N-2)(|s| + alpha^N) = "
                     f"{mp.nstr(m, 6)} ({'ok' if ok else 'overshoots'})")
    return _quantity(model, "step-condition", params, dps, values, "exact (SymPy), evaluated at dps digits",
                     exact={"c": c.exact}, note="; ".join(notes))


# ----------------------------------------------------------------------------- the perturbation


def noise_fitting_time(model, params, *, dps: int, certify: bool) -> Quantity:
    _no_certify("noise-fitting-time", certify)
    can = canonical(params, need=("N", "sigma", "init"))
    r = can.r
    e, est = pt.noise_fitting_time(can.setting(), r, dps=dps)
    if not e.finite:
        return _quantity(model, "noise-fitting-time", params, dps, {"T1": _inf(dps)}, e.method,
                         note=f"T1~(r = {r}) is infinite: " + "; ".join(e.notes) + " (no noise eigenvalue is fitted)")
    value = _mp(e.value, dps)
    N = can.N
    order = ("relative O(1/log(1/alpha)) (the O(1) constants)" if N == 2 else
             "relative O(alpha^(N-2)) (the O(1) constants)")
    form = "log(1/alpha^2)/(2 lam_{r+1})" if N == 2 else "alpha^-(N-2)/((N-2) lam_{r+1})"
    approx = [Approximation("asymptotic", {"T1": est}, form + (" / eta" if can.gd else ""), order,
                            deviation={"T1": value - est})]
    return _quantity(model, "noise-fitting-time", params, dps, {"T1": value, "lam_next": _mp(
        mp.mpf(can.lam_hat[r].p) / can.lam_hat[r].q, dps)}, e.method, approximations=approx,
        note=f"the time the largest noise eigenvalue lam_(r+1) is fitted to eps_small lam_(r+1) "
             f"({'GD steps' if can.gd else 'flow time'})")


def weyl_interval(model, params, *, dps: int, certify: bool) -> Quantity:
    _no_certify("weyl-interval", certify)
    can = canonical(params, need=("N", "sigma", "init"))
    k = _k(can, params)
    if k > can.r:
        raise ParameterError(f"k={k} is out of range for the Weyl sandwich: 1 <= k <= r = {can.r}")
    w = pt.weyl_interval(can.setting_sigma(), params["noise"], k, dps=dps)
    with mp.workdps(dps):
        one, zero = mp.mpf(1), mp.mpf(0)
        values = {"T0_upper": _mp(w.T0_upper, dps), "T1_lower": _mp(w.T1_lower, dps),
                  "nonempty": one if w.nonempty else zero, "spec_T0": _mp(w.spec_T0, dps),
                  "spec_T1": _mp(w.spec_T1, dps), "spec_valid": one if w.spec_valid else zero}
    note = (f"for every symmetric E with ||E|| <= {params['noise']}: T0~({k}) <= T0_upper and T1~({k}) >= T1_lower "
            "(nonempty: the sufficient condition T0_upper < T1_lower). spec_T0/spec_T1 are the spec's simpler "
            "endpoints (T0 at sigma_k - ||E||, T1 at sigma_(k+1) + ||E||), valid only where T decreases in s "
            f"(spec_valid); {'GD steps' if w.in_steps else 'flow time'}")
    return _quantity(model, "weyl-interval", params, dps, values, w.method, note=note)


def early_stopping(model, params, *, dps: int, certify: bool) -> Quantity:
    _no_certify("early-stopping", certify)
    params.require("eta", purpose="early-stopping (GD steps)")
    can = canonical(params, need=("N", "sigma", "init"))
    if not can.perturbed:
        raise ParameterError("early-stopping needs a perturbation (noise > 0 or lam_hat): without one the error "
                             "decreases to 0")
    st = can.setting()
    r = can.r
    t0, t1 = iv.T0(st, r, dps=dps), iv.T1(st, r, dps=dps)
    if not t1.finite:
        raise ParameterError(f"T1~(r = {r}) is infinite (no positive noise eigenvalue to fit): the error decreases "
                             "to its limit, there is no early-stopping optimum")
    es = pt.early_stopping_optimum(can.perturbation, st, int(t1.value))
    inside = t0.value <= es.argmin <= t1.value
    with mp.workdps(dps):
        values = {"optimum": mp.mpf(es.minimum), "argmin": mp.mpf(es.argmin), "truncation": mp.mpf(es.truncation),
                  "T0": mp.mpf(int(t0.value)), "T1": mp.mpf(int(t1.value)), "inside": mp.mpf(1 if inside else 0)}
    note = ("optimum = min_n ||W_n - W*||_F over 0 <= n <= T1~(r) of the decoupled dynamics W_n = Q diag(lambda_n) "
            "Q^T (float64, exact up to rounding), argmin its step, inside = argmin in [T0~(r), T1~(r)]; truncation "
            "= ||W^_r - W*||_F, the spec's (B8) value of the optimum: it is not the optimum (the trajectory passes "
            "lambda_i = q_i^T W* q_i, below lam_i, where q_i^T E q_i > 0), so the check compares the simulation "
            "with optimum and argmin, not with truncation")
    return _quantity(model, "early-stopping", params, dps, values,
                     "scalar recursions of the decoupled GD in the eigenbasis Q of W^ (float64)", note=note)


def T0_shift(model, params, *, dps: int, certify: bool) -> Quantity:
    _no_certify("T0-shift", certify)
    can = canonical(params, need=("N", "sigma", "init"))
    k = _k(can, params)
    if k > can.r:
        raise ParameterError(f"k={k} is out of range for the shift of T0: 1 <= k <= r = {can.r}")
    if not can.perturbed:
        raise ParameterError("T0-shift needs a perturbation (noise > 0 or lam_hat): without one there is no shift")
    sh = pt.T0_shift(can.setting_sigma(), can.lam_hat, k, dps=dps)
    values = {"shift": _mp(sh.exact, dps), "first_order": sh.predicted,
              "first_order_asymptotic": sh.predicted_asymptotic, "relative_error": sh.relative_error}
    return _quantity(model, "T0-shift", params, dps, values,
                     "exact T0~(k) - T0(k) against (dT/ds)(sigma_k) (lam_k - sigma_k) (exact derivative of the "
                     "closed form; asymptotic form -alpha^-(N-2)/((N-2) s^2), N = 2: -log(1/alpha)/s^2)",
                     note=f"{'GD steps' if sh.in_steps else 'flow time'}; B7: the first-order prediction is "
                          "within ~10% when the eigenvalue shift is small")


COMPUTED: dict[str, Callable[..., Quantity]] = {
    "time-to-reach": time_to_reach,
    "T0": T0,
    "T1": T1,
    "interval-length": interval_length,
    "condition": condition,
    "step-condition": step_condition,
    "noise-fitting-time": noise_fitting_time,
    "weyl-interval": weyl_interval,
    "early-stopping": early_stopping,
    "T0-shift": T0_shift,
}
