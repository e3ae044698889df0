r"""The final state of the deep-factorization dynamics (``symdyn limit``).

From ``W_j(0) = alpha I`` every eigenvalue of the product follows its own scalar law towards its target
``lam_i`` (an eigenvalue of ``W^ = W* + E``): positive targets are fitted, a zero target decays like
``((2N-2) t)^(-N/(2N-2))`` and a negative one like ``((N-2)|s| t)^(-N/(N-2))`` (``N > 2``) or
``exp(-2|s| t)`` (``N = 2``); ``lambda`` never changes sign.  Hence ``lim W = (W^)_+``, the final loss is
``(1/2) sum_{lam_i < 0} lam_i^2`` and the final error ``||(W^)_+ - W*||_F``.  With ``eta`` the same laws hold
in steps with ``t = eta n`` at leading order (a zero target: ``w^{-(2N-2)} ~ (2N-2) eta n``).

Regimes: ``exact-recovery`` (no perturbation: ``lim W = W*``), ``overfits-noise`` (positive noise eigenvalues
beyond ``r`` are fitted), ``positive-part`` (perturbed, nothing beyond rank ``r`` is fitted).

The decay law is checked numerically by Richardson extrapolation of ``t^(N/(2N-2)) lambda(t)`` (a zero target)
or ``t^(N/(N-2)) lambda(t)`` (a negative target, ``N > 2``) from the model's own evaluation, and an exponential
approach by the evaluation after 40 relaxation times.
"""

from __future__ import annotations

from typing import Any

import mpmath as mp
import sympy as sp

import math

from ...asymptotics import RELAXATION_TIMES, not_checked, richardson_check, round_up
from ...results import Decay, Limit, NumericCheck
from ...tex import Prose
from . import closed_forms as cf
from . import steps as st_
from . import perturbation as pt
from .canonical import canonical
from .inputs import mpq, p_exponent

__all__ = ["limit"]


def limit(model: Any, params: Any, *, dps: int = 30, check: bool = True) -> Limit:
    can = canonical(params, need=("N", "sigma", "init"))
    P = can.perturbation
    res = pt.limit(P)
    lam = can.lam_hat
    values: dict[str, mp.mpf] = {}
    exact: dict[str, sp.Expr] = {}
    with mp.workdps(dps):
        for i, v in enumerate(res.eigenvalues, 1):
            values[f"lambda_{i}"] = mpq(v)
            exact[f"lambda_{i}"] = v
        values["loss"] = mpq(res.final_loss)
        exact["loss"] = res.final_loss
        if res.error_frobenius is not None:
            values["error"] = mp.mpf(res.error_frobenius)
        values["layer_asymmetry"] = mp.mpf(0)
    if not can.perturbed:
        regime = "exact-recovery"
    elif res.overfitted:
        regime = "overfits-noise"
    else:
        regime = "positive-part"
    conditions = {
        "exact-recovery": Prose("no perturbation: every eigenvalue of W* is fitted, lim W = W*",
                                r"no perturbation: every eigenvalue of $W^*$ is fitted, $\lim W = W^*$"),
        "overfits-noise": Prose(f"lim W = (W^)_+ fits {res.overfitted} positive noise eigenvalue(s) beyond rank r = "
                                f"{can.r}",
                                f"$\\lim W = (\\hat W)_+$ fits {res.overfitted} positive noise eigenvalue(s) beyond "
                                f"rank $r = {can.r}$"),
        "positive-part": Prose("lim W = (W^)_+: the negative eigenvalues of W^ decay to 0, nothing beyond rank r is "
                               "fitted", r"$\lim W = (\hat W)_+$: the negative eigenvalues of $\hat W$ decay to $0$, "
                               r"nothing beyond rank $r$ is fitted"),
    }[regime]
    decay = _decay(can, lam, dps)
    chk = None
    if check:
        chk = _check(model, params, can, lam, decay, dps)
    return Limit(model=model.name, params=params, dps=dps, regime=regime, values=values, exact=exact,
                 conditions=Prose(conditions + " (error: ||(W^)_+ - W*||_F from the float64 eigenvectors of W^)",
                                  conditions.latex + r" (the error $\|(\hat W)_+ - W^*\|_F$ from the "
                                  r"double-precision eigenvectors of $\hat W$)"),
                 decay=decay, check=chk)


def _flow_params(model, params):
    given = {k: v for k, v in params.to_json().items() if k in params.given and k not in ("eta", "gd_theory")}
    return model.params(**given)


def _unit(can) -> mp.mpf:
    return mp.mpf(1) if can.eta is None else mpq(can.eta)


def _decay(can, lam, dps: int) -> Decay:
    """The slowest approach: algebraic for zero (and, N > 2, negative) targets, else exponential."""
    N = can.N
    zero = [i for i, v in enumerate(lam, 1) if v == 0]
    neg = [i for i, v in enumerate(lam, 1) if v < 0]
    steps = can.eta is not None
    unit = "eta n" if steps else "t"
    with mp.workdps(dps + 10):
        u = _unit(can)
        if zero:
            e = sp.Rational(N, 2 * N - 2)
            K = mp.power(mpq(2 * N - 2) * u, -mpq(e))
            amps = {f"lambda_{i}": +K for i in zero}
            law = _power_law("t" if not steps else "n", e)
            note = (Prose(f"zero targets (lambda_{zero[0]}, ...): lambda = (lambda0^-p + (2N-2) {unit})^(-N/(2N-2)) "
                          f"~ K n^(-{e}) with K = ((2N-2) eta)^(-{e})",
                          f"zero targets ($\\lambda_{{{zero[0]}}}, \\dots$): $\\lambda = (\\lambda_0^{{-p}} + "
                          f"(2N-2)\\,\\eta n)^{{-N/(2N-2)}} \\sim K n^{{-{e}}}$ with "
                          f"$K = ((2N-2)\\eta)^{{-{e}}}$") if steps else
                    Prose(f"zero targets: lambda(t) = (lambda0^-p + (2N-2) t)^(-N/(2N-2)) ~ K t^(-{e}), "
                          f"K = (2N-2)^(-{e})",
                          f"zero targets: $\\lambda(t) = (\\lambda_0^{{-p}} + (2N-2)\\,t)^{{-N/(2N-2)}} \\sim "
                          f"K t^{{-{e}}}$, $K = (2N-2)^{{-{e}}}$"))
            if neg:
                faster = _power_law("t", sp.Rational(N, N - 2)) if N > 2 else Prose("exponentially", "exponentially")
                note = Prose(note + "; negative targets decay faster (" + faster + ")",
                             note.latex + "; negative targets decay faster (" + faster.latex + ")")
            exps = {} if steps else {f"lambda_{i}": sp.Integer(2 * N - 2) ** (-e) for i in zero}
            out = Decay(law=law, exponent=e, amplitudes=amps, exact=exps, note=note)
        elif neg and N > 2:
            e = sp.Rational(N, N - 2)
            amps = {f"lambda_{i}": mp.power(mpq((N - 2) * (-lam[i - 1])) * u, -mpq(e)) for i in neg}
            unit_tex = r"\eta n" if steps else "t"
            out = Decay(law=_power_law("n" if steps else "t", e), exponent=e, amplitudes=amps,
                        note=Prose(f"negative targets: lambda ~ ((N-2)|s| {unit})^(-N/(N-2)) (never changes sign)",
                                   f"negative targets: $\\lambda \\sim ((N-2)|s|\\,{unit_tex})^{{-N/(N-2)}}$ "
                                   "(never changes sign)"))
        else:
            rates = []
            for v in lam:
                if v > 0:
                    rates.append(N * mp.power(mpq(v), mpq(p_exponent(sp.Integer(N)))))
                elif v < 0:
                    rates.append(2 * abs(mpq(v)))
            rate = min(rates)
            if steps:
                c = rate * u
                rate = -mp.log(abs(1 - c)) if c != 1 else mp.inf
            x = "n" if steps else "t"
            out = Decay(law=Prose(f"exp(-{x}/tau)", f"$e^{{-{x}/\\tau}}$"), exponent=None, amplitudes={},
                        time_scale=1 / rate if rate != mp.inf else mp.mpf(0),
                        note=Prose("every target is fitted (or decays) exponentially: tau = 1/min_i N lam_i^(2-2/N) "
                                   "(positive targets), 1/(2|s|) (negative, N = 2)"
                                   + ("; per GD step -log|1 - eta rate|" if steps else ""),
                                   r"every target is fitted (or decays) exponentially: "
                                   r"$\tau = 1/\min_i N\hat\lambda_i^{2-2/N}$ (positive targets), $1/(2|s|)$ "
                                   r"(negative, $N = 2$)" + (r"; per gradient-descent step $-\log|1 - \eta\rho|$ "
                                                            r"with $\rho$ that rate" if steps else "")))
    with mp.workdps(dps):
        return Decay(law=out.law, exponent=out.exponent, amplitudes={k: +v for k, v in out.amplitudes.items()},
                     exact=out.exact, time_scale=None if out.time_scale is None else +out.time_scale, note=out.note)


def _power_law(x: str, e: sp.Rational) -> Prose:
    """``t^(-3/4)`` with its LaTeX form."""
    return Prose(f"{x}^(-{e})", f"${x}^{{-{e}}}$")


def _check(model, params, can, lam, decay: Decay, dps: int):
    N = can.N
    if decay.exponent is not None and can.eta is not None:
        # in steps the law is the flow's with t = eta n: the flow's amplitude is checked (the recursion would
        # need hundreds of times the power law's onset in steps)
        flow = _flow_params(model, params)
        fc = canonical(flow, need=("N", "sigma", "init"))
        fd = _decay(fc, lam, dps)
        c = _check(model, flow, fc, lam, fd, dps)
        head = Prose("on the gradient flow (the GD law is the flow's with t = eta n): ",
                     r"on the gradient flow (the gradient-descent law is the flow's with $t = \eta n$): ")
        latex = c.description.latex if isinstance(c.description, Prose) else c.description
        return type(c)(description=Prose(head + c.description, head.latex + latex),
                       times=c.times, predicted=c.predicted, observed=c.observed,
                       relative_deviation=c.relative_deviation, passed=c.passed)
    if decay.exponent is not None:
        name = next(iter(decay.amplitudes))
        i = int(name.split("_")[1])
        s = lam[i - 1]
        # the power law holds once t >> its own scale: lambda0^-p/((2N-2)) for a zero target
        with mp.workdps(20):
            l0 = mpq(can.lambda0)
            if s == 0:   # lambda^-p = lambda0^-p + (2N-2) t
                scale = mp.power(l0, -mpq(p_exponent(sp.Integer(N)))) / (2 * N - 2)
            else:        # lambda^-(N-2)/N ~ lambda0^-(N-2)/N + (N-2)|s| t for lambda << |s|
                scale = mp.power(l0, -mp.mpf(N - 2) / N) / ((N - 2) * abs(mpq(s)))
            scale = scale / (1 if can.eta is None else mpq(can.eta))
        T = round_up(float(scale) * 200 + 10)
        return richardson_check(model, params, {name: decay.amplitudes[name]}, power=decay.exponent, T=T, dps=dps,
                                tolerance=mp.mpf(10) ** -4)
    if decay.time_scale is None or decay.time_scale == 0:
        return not_checked("not checked: no relaxation time")
    # the exponential approach starts once each eigenvalue is near its target: check at the latest time a
    # positive target reaches half of itself plus 40 relaxation times
    values, onset = {}, 0.0
    lim = pt.limit(can.perturbation)
    for i, v in enumerate(lim.eigenvalues, 1):
        if v != 0:
            with mp.workdps(dps):
                values[f"lambda_{i}"] = mpq(v)
            if can.eta is None:
                onset = max(onset, float(cf.time_to_reach(v, sp.Rational(1, 2), N, **can.init(), dps=15).value))
            else:
                onset = max(onset, float(st_.hitting_steps(v, [sp.Rational(1, 2)], N, can.eta, **can.init()).steps[0]))
    n = RELAXATION_TIMES
    t_check = onset + n * float(decay.time_scale)
    if can.eta is not None:
        t_check = int(math.ceil(t_check))
        if t_check > 2_000_000:
            return not_checked(f"not checked: the approach takes about {t_check} steps")
        t_str = str(t_check)
    else:
        t_str = str(sp.Rational(t_check).limit_denominator(1000))
    sub = params.replace(gd_theory="recursion") if can.eta is not None else params
    traj = model.evaluate(sub, [t_str], dps=dps, observables=list(values))
    observed = {k: traj[k][0] for k in values}
    with mp.workdps(dps):
        dev = max(abs(observed[k] - values[k]) / abs(values[k]) for k in values)
    what = "step" if can.eta is not None else "t"
    what_tex = "step $n" if can.eta is not None else "$t"
    return NumericCheck(description=Prose(f"evaluation at {what} = {t_str}: the last positive target's time to half "
                                          f"of itself plus {n} relaxation times tau (the correction there is below "
                                          f"exp(-{n}))",
                                          f"evaluation at {what_tex} = {t_str}$: the last positive target's time to "
                                          f"half of itself plus ${n}$ relaxation times $\\tau$ (the correction there "
                                          f"is below $e^{{-{n}}}$)"),
                        times=(t_str,), predicted=dict(values), observed=observed, relative_deviation=dev,
                        passed=bool(dev < mp.mpf(10) ** -12))
