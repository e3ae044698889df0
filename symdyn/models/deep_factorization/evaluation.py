r"""The theory's observables at given times, at any precision (``symdyn eval``).

The layers stay equal polynomials in ``W^`` (spec 3.2), so ``W(t) = Q diag(lambda_i(t)) Q^T`` with ``Q`` the
eigenvectors of ``W^ = W* + E`` and each ``lambda_i`` its own scalar law with target ``lam_i``:

* flow (no ``eta``): ``lambda_i(t)`` from the closed forms (:func:`.closed_forms.flow_eigenvalue`: the logistic
  law for ``N = 2``, the inverse of ``F_N`` otherwise, any sign of the target);
* GD (``eta``, times are step counts) with ``gd_theory=recursion``: the exact scalar recursion
  (:func:`.steps.recursion_trajectory`, multiprecision, without cancellation in ``lam_i - lambda_i``);
  with ``gd_theory=corrected-flow``: the flow at the modified-equation step
  (:func:`.steps.corrected_flow_eigenvalue`, spec 3.4, B4).

Derived observables: ``loss = (1/2) sum_i (lam_i - lambda_i)^2`` (from the gaps, no cancellation),
``error = ||W - W*||_F = (sum_i (lambda_i - C_ii)^2 + sum_{i != j} C_ij^2)^(1/2)`` with ``C = Q^T W* Q``
(from the float64 eigenvectors of the drawn ``W^``; exact when there is no perturbation, ``Q = I``), and
``layer_asymmetry = 0``.  Components with equal targets are computed once.

Every value gets the two-evaluation error estimate of :func:`symdyn.numeric.adaptive.evaluate_times`: the
kernel's level is a number of extra digits, and a refinement adds ten, so the two evaluations differ in
precision.
"""

from __future__ import annotations

from typing import Any, Sequence

import mpmath as mp
import numpy as np
import sympy as sp

from ...numeric.adaptive import Plan, evaluate_times, two_precision_method
from ...results import Trajectory
from ...tex import Prose
from . import closed_forms as cf
from . import steps as st_
from .canonical import Canonical, canonical
from .inputs import mpq

__all__ = ["evaluate", "DeepKernel"]


#: Refuse evaluations estimated to take longer than this (seconds, both evaluations together).
MAX_SECONDS = 300.0
#: Measured costs (2 cores, 30 digits): one recursion step per target; one closed-form or corrected-flow point.
_STEP_SECONDS, _POINT_SECONDS = 5.5e-6, 1e-2


def estimated_seconds(can: Canonical, times: Sequence[Any]) -> float:
    """A rough cost of :func:`evaluate` (both evaluations), from measured per-step and per-point costs."""
    targets = len(set(can.lam_hat))
    if can.eta is not None and can.gd_theory == "recursion":
        return 2 * targets * max(int(t) for t in times) * _STEP_SECONDS
    return 2 * targets * len(times) * _POINT_SECONDS


class DeepKernel:
    """The decoupled dynamics as a :class:`~symdyn.numeric.adaptive.RefinableKernel` (level = extra digits)."""

    max_dps = None

    def __init__(self, can: Canonical, times: Sequence[Any]) -> None:
        from ...errors import ParameterError

        seconds = estimated_seconds(can, times)
        if seconds > MAX_SECONDS:
            hint = ("use gd_theory=corrected-flow (one closed-form solve per point)"
                    if can.eta is not None and can.gd_theory == "recursion" else "ask for fewer times")
            raise ParameterError(f"this evaluation would take about {seconds:.3g} s ({len(set(can.lam_hat))} distinct "
                                 f"targets, {len(times)} times): more than {MAX_SECONDS:g} s; {hint}")
        self.can = can
        self.times = tuple(times)
        self.lam = can.lam_hat
        self.targets = tuple(dict.fromkeys(self.lam))
        self._cache: dict[int, dict[Any, dict[sp.Rational, tuple[mp.mpf, mp.mpf]]]] = {}
        P = can.perturbation
        self._C = None
        if P is not None and P.Q is not None:
            Ws = np.diag([float(v) for v in P.sigma_padded()])
            self._C = P.Q.T @ Ws @ P.Q

    def plan(self, t: float, dps: int) -> Plan:
        return Plan(0)

    def refine(self, level: int) -> int:
        return level + 10

    def size(self, level: int) -> int:
        return int(level)

    # -- the scalar laws, every time at once for one precision
    def _eigen(self, digits: int) -> dict[Any, dict[sp.Rational, tuple[mp.mpf, mp.mpf]]]:
        if digits in self._cache:
            return self._cache[digits]
        can = self.can
        init = can.init()
        out: dict[Any, dict[sp.Rational, tuple[mp.mpf, mp.mpf]]] = {t: {} for t in self.times}
        for s in self.targets:
            if can.eta is None:
                for t in self.times:
                    e = cf.flow_eigenvalue(t, s, can.N, **init, dps=digits)
                    out[t][s] = (e.value, e.gap)
            elif can.gd_theory == "recursion":
                vals = st_.recursion_trajectory(s, can.N, can.eta, [int(t) for t in self.times], **init, dps=digits)
                for t, v in zip(self.times, vals):
                    out[t][s] = v
            else:
                for t in self.times:
                    e = st_.corrected_flow_eigenvalue(int(t), s, can.N, can.eta, **init, dps=digits)
                    out[t][s] = (e.value, e.gap)
        self._cache[digits] = out
        return out

    def values(self, t_exact: Any, level: int, dps: int, names: Sequence[str]) -> dict[str, mp.mpf]:
        digits = dps + int(level)
        eig = self._eigen(digits)[t_exact]
        out: dict[str, mp.mpf] = {}
        with mp.workdps(digits):
            for name in names:
                if name.startswith("lambda_"):
                    out[name] = eig[self.lam[int(name.split("_")[1]) - 1]][0]
            if "loss" in names:
                out["loss"] = sum((eig[s][1] ** 2 for s in self.lam), mp.mpf(0)) / 2
            if "error" in names:
                C = self._C
                diag = np.diag(C)
                off = float(np.sum(C * C) - np.sum(diag * diag))
                acc = mp.mpf(max(off, 0.0))
                for i, s in enumerate(self.lam):
                    # lambda_i - C_ii = (lam_i - C_ii) - gap_i, the first difference exact in binary
                    acc += (mpq(s) - mp.mpf(float(diag[i])) - eig[s][1]) ** 2
                out["error"] = mp.sqrt(acc)
            if "layer_asymmetry" in names:
                out["layer_asymmetry"] = mp.mpf(0)
        return out


def _method(can: Canonical) -> Prose:
    if can.eta is None:
        law = Prose("gradient flow: closed forms (logistic for N = 2, inverse of F_N by Newton in logit(lambda/s))",
                    r"gradient flow: closed forms (logistic for $N = 2$, the inverse of $F_N$ by Newton's method in "
                    r"$\mathrm{logit}(\lambda/s)$)")
    elif can.gd_theory == "recursion":
        law = Prose("GD: the exact scalar recursion w <- w + eta w^(N-1)(s - w^N) (gmpy2 mpfr, gap without "
                    "cancellation)", r"gradient descent: the exact scalar recursion "
                    r"$w \leftarrow w + \eta\, w^{N-1}(s - w^N)$ (arbitrary-precision floating point, the gap "
                    r"$s - w^N$ without cancellation)")
    else:
        law = Prose("GD: the flow at the modified-equation step n = T/eta + (1/2) log(g(lambda)/g(lambda0)) (Newton)",
                    r"gradient descent: the flow at the modified-equation step "
                    r"$n = T/\eta + \frac12\log(g(\lambda)/g(\lambda_0))$ (Newton's method)")
    two = two_precision_method()
    return Prose(f"decoupled dynamics W = Q diag(lambda_i) Q^T in the eigenbasis of W^; {law}; "
                 + two.replace("v(dps", "v(dps + extra"),
                 r"decoupled dynamics $W = Q\,\mathrm{diag}(\lambda_i)\,Q^\top$ in the eigenbasis of $\hat W$; "
                 + law.latex + "; " + two.latex.replace("v(d +", "v(d + e +") + " and $e$ the extra digits the "
                 "time needs")


def evaluate(model: Any, params: Any, times: Sequence[Any], *, dps: int = 30, observables: Sequence[str] | None = None,
             progress: Any = None) -> Trajectory:
    """The observables at *times* (step counts with ``eta``), each with a two-evaluation error estimate.

    >>> import symdyn as sd
    >>> m = sd.model("deep-factorization")
    >>> tr = m.evaluate(m.params(N="2", sigma="3,2,1", alpha="1/1000", eta="1/50"), ["146"], dps=20,
    ...                 observables=["lambda_1"])
    >>> mp.nstr(tr["lambda_1"][0], 12)
    '2.72877100335'
    """
    names = model.check_observables(params, observables)
    can = canonical(params, need=("N", "sigma", "init"))
    ts = model.parse_times(params, list(times))
    kernel = DeepKernel(can, ts)
    run = evaluate_times(kernel, [(t, t) for t in ts], names, dps=dps, progress=progress)
    notes = list(run.notes)
    if can.perturbed:
        how = ("given exactly, with the eigenvectors of $W^*$" if can.perturbation.noise_seed is None else
               "$E$ a symmetrised GOE draw scaled to the given norm, spectrum in double precision")
        notes.append(Prose(f"targets lam_hat: the eigenvalues of W^ = W* + E ({can.perturbation.method})",
                           rf"targets $\hat\lambda_i$: the eigenvalues of $\hat W = W^* + E$ ({how})"))
    return Trajectory(model=model.name, params=params, dps=dps, times=tuple(ts), time_name=model.time_name(params),
                      observables=run.values, method=_method(can), nodes=run.orders, converged=run.converged,
                      notes=tuple(notes))
