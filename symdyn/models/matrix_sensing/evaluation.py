"""The observables of the exact full-observation gradient flow at any precision (spec 2.2, 5).

``lambda_1 .. lambda_r`` (eigenvalues of ``P = UU^T``), ``loss = loss_scale ||P - X*||_F^2``,
``erank``, the thresholded ``rank`` and ``truncation_distance = ||P - X*_s||_F`` from the
Riccati closed form ``P = Y K^-1 Y^T`` written as the scaled r x r pencil of
:mod:`.riccati`: eigenvalues, and the diagonal ``P_ii`` in the eigenbasis of ``X*`` (so
``tr(P X*_s) = sum_(i <= s) sigma_i P_ii``).  Nothing overflows at any time and nothing is
formed in float64, so ``alpha = 1e-30`` (where float64 Cholesky of ``K`` fails) is as fast as
``alpha = 1e-3``.

Precision: :class:`FlowKernel` is a :class:`~symdyn.numeric.adaptive.RefinableKernel` whose
*level* is a number of extra working digits.  ``plan`` estimates the digits the pencil
cancels (``log10(||H|| lambda_max)``, spec 5: about ``2 log10(1/alpha) sigma_1/sigma_k``) and
those the loss and the distance cancel (``log10(||X*||^2 / loss)`` near convergence);
``refine`` adds 12 digits.  The driver evaluates twice at different precisions and reports
the difference as the error, refining until it is below ``10^-dps`` relative.

With ``eta`` (times are GD step counts ``n``) the values are those of the flow at
``t = n eta``; GD deviates from it by a relative ``O(mu sigma)`` in time (spec 2.4).  The GD
learning steps themselves are predicted exactly (``boundary learning-time eta=...``).  With
``m`` measurements the flow is that of full observation, the limit ``delta -> 0`` of sensing.

>>> import symdyn as sd
>>> m = sd.model("matrix-sensing")
>>> p = m.params(sigma="3,2,1", d="30", r="5", alpha="1e-30")
>>> tr = m.evaluate(p, ["70"], dps=20, observables=["lambda_3", "loss", "rank"])
>>> [sd.mp_to_decimal(tr[o][0], 12) for o in ("lambda_3", "loss", "rank")]
['0.561697326312', '0.0480273084405', '3.00000000000']
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import mpmath as mp

from ...exact import to_mp
from ...numeric.adaptive import GUARD_DIGITS, SECOND_GUARD, Plan, evaluate_times
from ...results import Trajectory
from ...tex import Prose
from .riccati import MAX_WORKING_DPS, effective_rank, kernel
from .setting import Setting

__all__ = ["evaluate", "FlowKernel", "observables_at"]

_REFINE = 12


def observables_at(setting: Setting, tau: mp.mpf, prec: int, names: Sequence[str],
                   magnitudes: dict[str, mp.mpf] | None = None) -> dict[str, mp.mpf]:
    """The named observables of the exact flow at spec time *tau*, at working precision *prec*.

    *magnitudes*, if given, receives the size of the terms that cancel in ``loss`` and in the
    square of ``truncation_distance``.
    """
    lam, diag = kernel(setting, prec).spectrum(tau)
    out: dict[str, mp.mpf] = {}
    mags = {} if magnitudes is None else magnitudes
    with mp.workdps(prec):
        sig = [to_mp(x, prec) for x in setting.sigma]
        lam2 = mp.fsum(x * x for x in lam)
        levels = [to_mp(setting.level, prec) * s for s in sig]
        rank = sum(1 for k in range(setting.learnable) if lam[k] >= levels[k])
        for name in names:
            if name.startswith("lambda_"):
                out[name] = lam[int(name[7:]) - 1]
            elif name == "loss":
                sig2 = mp.fsum(s * s for s in sig)
                out[name] = to_mp(setting.loss_scale, prec) * (sig2 + lam2 - 2 * mp.fsum(s * p for s, p in zip(sig, diag)))
                mags[name] = to_mp(setting.loss_scale, prec) * (sig2 + lam2)
            elif name == "erank":
                out[name] = effective_rank(lam)
            elif name == "rank":
                out[name] = mp.mpf(rank)
            elif name == "truncation_distance":
                d2 = lam2 + mp.fsum(sig[i] * (sig[i] - 2 * diag[i]) for i in range(rank))
                out[name] = mp.sqrt(max(d2, mp.mpf(0)))
                mags[name] = lam2 + mp.fsum(sig[i] ** 2 for i in range(rank))
            else:  # pragma: no cover - names are validated by the model
                raise KeyError(name)
    return out


class FlowKernel:
    """The exact flow as a :class:`~symdyn.numeric.adaptive.RefinableKernel` (level: extra digits)."""

    max_dps = None

    def __init__(self, setting: Setting, names: Sequence[str]) -> None:
        self.setting = setting
        self.rate = setting.rate
        self.cancelling = [n for n in names if n in ("loss", "truncation_distance")]

    def _tau(self, t: Any, prec: int) -> mp.mpf:
        with mp.workdps(prec):
            return to_mp(self.rate, prec) * to_mp(t, prec)

    def plan(self, t: float, dps: int) -> Plan:
        with mp.workdps(30):
            tau = mp.mpf(float(self.rate) * t)
        guard = kernel(self.setting, 30).lost_digits(tau) + max(0, int(math.log10(abs(float(tau)) + 1)))
        if self.cancelling:
            guard += self._cancellation(tau, dps, guard)
        return Plan(0, guard)

    def _cancellation(self, tau: mp.mpf, dps: int, guard: int) -> int:
        """Digits ``loss`` and ``truncation_distance`` cancel at *tau*: ``log10(terms / value)``."""
        extra = 0
        for _ in range(8):
            prec = 20 + guard + extra
            mags: dict[str, mp.mpf] = {}
            vals = observables_at(self.setting, tau, prec, self.cancelling, mags)
            with mp.workdps(prec):
                sizes = [abs(v) ** (2 if n == "truncation_distance" else 1) / mags[n] for n, v in vals.items()
                         if mags[n] > 0]
                small = min(sizes, default=mp.mpf(1))
                need = max(0, int(mp.ceil(-mp.log10(small)))) if small > 0 else prec
            if need < prec - guard - 10 or prec > MAX_WORKING_DPS:
                return need
            extra = 2 * (extra + need)
        return extra

    def refine(self, level: Any) -> Any:
        return level + _REFINE

    def size(self, level: Any) -> int:
        return 0

    def values(self, t_exact: Any, level: Any, dps: int, names: Sequence[str]) -> dict[str, mp.mpf]:
        prec = dps + level
        return observables_at(self.setting, self._tau(t_exact, prec), prec, names)


def evaluate(model, params, times: Sequence[Any], *, dps: int = 30, observables: Sequence[str] | None = None,
             progress=None) -> Trajectory:
    """The exact flow's observables at *times* (GD step counts with ``eta``: the flow at ``t = n eta``).

    Every value carries the difference of two evaluations at different precisions as its
    error estimate; the trajectory's ``regime`` is the parameterization (over-, exactly-,
    under-parameterized).
    """
    from ...params import check_dps

    dps = check_dps(dps)
    can = model.canonical(params)
    names = model.check_observables(params, observables)
    times = model.parse_times(params, list(times))
    setting = can.setting
    pairs = [(t, t * can.eta if can.gd else t) for t in times]
    run = evaluate_times(FlowKernel(setting, names), pairs, list(names), dps=dps, progress=progress)
    notes = list(run.notes)
    if can.gd:
        notes.append(Prose(f"GD step n is shown as the exact flow at t = n eta (eta = {can.eta}); GD runs ahead of it "
                           "by a relative O(mu sigma) in time (spec 2.4); the learning steps are predicted exactly by "
                           "`boundary learning-time` with eta",
                           f"gradient-descent step $n$ is shown as the exact flow at $t = n\\eta$ "
                           f"($\\eta = {can.eta}$); gradient descent runs ahead of it by a relative $O(\\mu\\sigma)$ "
                           "in time (spec 2.4); the learning steps themselves are predicted exactly (the learning "
                           "time with $\\eta$)"))
    if can.sensing:
        notes.append(Prose(f"with m = {can.m} measurements this is the full-observation flow (the limit of sensing as "
                           "delta -> 0); per-draw predictions (GLRL race, sensing minimizers Z_s) are made by `check`",
                           f"with $m = {can.m}$ measurements this is the full-observation flow (the limit of sensing "
                           "as $\\delta \\to 0$); the predictions for each draw (the greedy low-rank race, the "
                           "sensing minimizers $Z_s$) are made by the check against simulation"))
    method = Prose("Riccati closed form P = Y K^-1 Y^T as the scaled r x r pencil in the Gram-Schmidt basis of Ubar "
                   "(Cholesky, eigsy; the diagonal of P for the loss); working digits from the pencil's cancellation "
                   f"estimate; error = |v(dps+{GUARD_DIGITS}+guard) - v(dps+{GUARD_DIGITS + SECOND_GUARD}+guard+"
                   f"{_REFINE})|",
                   r"Riccati closed form $P = Y K^{-1} Y^\top$ as the scaled $r \times r$ pencil in the "
                   r"Gram-Schmidt basis of $\bar U$ (Cholesky factorization and a symmetric eigensolver at "
                   r"arbitrary precision; the diagonal of $P$ for the loss); working digits $g$ from the pencil's "
                   r"cancellation estimate; error estimate "
                   f"$|v(d + {GUARD_DIGITS} + g) - v(d + {GUARD_DIGITS + SECOND_GUARD} + g + {_REFINE})|$ with $d$ "
                   "the requested digits")
    return Trajectory(model=model.name, params=params, dps=dps, times=tuple(times), time_name=model.time_name(params),
                      observables=run.values, method=method, regime=setting.regime, converged=run.converged,
                      notes=tuple(notes))
