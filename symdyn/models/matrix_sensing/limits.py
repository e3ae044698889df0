"""The final state of the full-observation dynamics, regime by regime (spec 2.5, 2.7).

From a generic small initialization the flow (and stable GD) learns ``L = min(r, r*)``
components and converges to the top-``L`` truncation of ``X*``:

* ``r > r*`` **over-parameterized**: ``UU^T -> X*``, loss ``-> 0``; the extra columns stay at
  ``O(alpha^2)`` (they decay like ``1/(2 tau)`` once ``tau >> 1/alpha^2``);
* ``r = r*`` **exactly-parameterized**: ``UU^T -> X*``, loss ``-> 0``;
* ``r < r*`` **under-parameterized**: ``c_k = 0`` for ``k > r``, so components ``r+1 .. r*``
  are never learned and the loss tends to ``loss_scale * sum_(i > r) sigma_i^2`` exactly
  (``1/4`` for ``sigma = 3,2,1``, ``r = 2``).

The cross-check evaluates the exact flow (:mod:`.evaluation`) well after the last learning
time (the alpha -> 0 formula plus ``12/sigma_L`` in the spec's time, where the saturation is
down to ``e^-24``) and compares the loss and eigenvalues with the limit.  With ``m``
measurements the limit is the rank-``L`` sensing minimizer ``Z_L`` of each draw (its loss
``f(Z_L)`` is checked per trial by ``symdyn check``).
"""

from __future__ import annotations

import mpmath as mp
import sympy as sp

from ...exact import to_mp
from ...results import Limit, NumericCheck
from ...tex import Prose
from .evaluation import observables_at
from .learning import final_state, learning_time_limit
from .setting import UNDER

__all__ = ["limit", "CHECK_TOLERANCE"]

CHECK_TOLERANCE = mp.mpf("1e-8")


def limit(model, params, *, dps: int = 30, check: bool = True) -> Limit:
    """Final eigenvalues of ``UU^T``, the exact final loss, the regime and a numerical cross-check."""
    from ...params import check_dps

    dps = check_dps(dps)
    can = model.canonical(params, dynamics=False)
    s = can.setting
    fs = final_state(s)
    exact: dict[str, sp.Expr] = {f"lambda_{i + 1}": v for i, v in enumerate(fs.eigenvalues)}
    exact["loss"] = fs.loss
    exact["rank"] = sp.Integer(s.learnable)
    exact["truncation_distance"] = sp.Integer(0)
    values = {k: to_mp(v, dps) for k, v in exact.items()}
    conditions = Prose(fs.description + "; " + " ".join(fs.notes),
                       _latex(fs.description) + "; " + " ".join(_latex(n) for n in fs.notes))
    if can.sensing:
        conditions = Prose(conditions + f" (m = {can.m}: the values are those of full observation)",
                           conditions.latex + f" ($m = {can.m}$: the values are those of full observation)")
    num = _check(s, exact, dps) if check else None
    return Limit(model=model.name, params=params, dps=dps, regime=s.regime, values=values, exact=exact,
                 conditions=conditions, check=num)


def _latex(text: str) -> str:
    return text.latex if isinstance(text, Prose) else text


def _check(s, exact, dps: int) -> NumericCheck:
    L = s.learnable
    with mp.workdps(30):
        t_last = learning_time_limit(s, L, dps=30).value
        sig_l = to_mp(s.sigma[L - 1], 30)
        t_check = t_last + 12 / (sig_l * to_mp(s.rate, 30))
        t_exact = sp.Rational(str(mp.nstr(t_check, 12)))
        t_decimal = mp.nstr(t_check, 12, min_fixed=-mp.inf, max_fixed=mp.inf)
    names = [f"lambda_{i + 1}" for i in range(L)] + ["loss"]
    prec = min(dps, 20) + 10 + 2 * int(mp.ceil(mp.log10(1 / to_mp(s.alpha, 20)))) * int(s.sigma[0] / s.sigma[L - 1] + 1)
    with mp.workdps(prec):
        tau = to_mp(s.rate, prec) * to_mp(t_exact, prec)
    obs = observables_at(s, tau, prec, names)
    predicted = {n: to_mp(exact[n], 30) for n in names}
    with mp.workdps(30):
        scale = max(abs(v) for v in predicted.values())
        dev = max(abs(obs[n] - predicted[n]) for n in names) / scale
    under = " (components beyond r are never learned: c_k = 0 exactly)" if s.regime == UNDER else ""
    under_tex = r" (components beyond $r$ are never learned: $c_k = 0$ exactly)" if s.regime == UNDER else ""
    description = Prose(f"exact Riccati flow at t = {t_exact} (the alpha -> 0 learning time of component {L} plus "
                        f"12/sigma_{L} in the spec's time) against the limit{under}",
                        f"exact Riccati flow at $t = {t_decimal}$ (exactly; the "
                        f"$\\alpha \\to 0$ learning time of component ${L}$ plus $12/\\sigma_{L}$ in the spec's time) "
                        f"against the limit{under_tex}")
    return NumericCheck(description, (t_exact,), predicted,
                        {n: +obs[n] for n in names}, dev, bool(dev < CHECK_TOLERANCE))
