"""Finite-size knowledge of the spiked Wigner model: the sign risk of small alpha above threshold.

Above threshold the large-time limit is ``sgn(alpha) sqrt(zeta)``, ``zeta = 1 - theta^(-2)``,
set by the outlier amplitude ``A = alpha sqrt(zeta)``.  At size ``n`` each trial's amplitude
``a_i = <v1, x0>`` (top eigenvector with ``<x, v1> > 0``) has the random part
``sqrt(1 - alpha^2) <v1, g>``: with ``v1 = sqrt(zeta) x + sqrt(1 - zeta) y`` and ``g`` uniform on the
sphere orthogonal to ``x``, its standard deviation is

    sigma_n = sqrt((1 - alpha^2)(1 - zeta)/n),

and a trial converges to the wrong sign with probability about ``Phi(-|A|/sigma_n)``.  When
``|A|`` is a few ``sigma_n`` or less, the mean over seeds at large ``t`` is a mixture of the two signs.

How one trial depends on its realised amplitude.  Condition on ``a_i = A + d``.  Because
``g`` is orthogonal to ``x``, the deviation ``d`` is compensated in the bulk along the
``x``-weights: the bulk coefficients are ``alpha' <v_k, x>`` with
``alpha' = alpha - d sqrt(zeta)/(1 - zeta)``, and the isotropic remainder loses the variance
``d^2/(1 - zeta)``.  With ``E_p = e^{p t lambda*}`` (or ``(1 + eta lambda*)^(pk)``) and the bulk
brackets ``B_1 = <f>_nu - zeta E_1``, ``B_2 = <f^2>_nu - zeta E_2``,
``B_3 = <lambda f^2>_nu - zeta lambda* E_2``:

    N(a) = sqrt(zeta) a E_1 + alpha' B_1,
    Q(a) = a^2 E_2 + alpha'^2 B_2 + ((1 - alpha^2) - d^2/(1 - zeta)) <f^2>_sc,
    E(a) = lambda* a^2 E_2 + alpha'^2 B_3 + ((1 - alpha^2) - d^2/(1 - zeta)) <lambda f^2>_sc,

and ``m = N/sqrt(Q)``, ``energy = E/Q``.  At ``a = A`` this is the model's own theory.  The
checker (:mod:`symdyn.check`) tests rows at risk on ``x_i - [f(a_i) - f(A)]``; the mixture
bias ``E f(a) - f(A)`` over ``a ~ N(A, sigma_n^2)`` is computed by Gauss-Hermite quadrature.

Near the threshold, ``|theta - 1| < 3 n^(-1/3)``, the outlier is not separated from the bulk at
size ``n`` (the BBP window): the deterministic equivalent then converges slowly in ``n``; this
is reported as a note.

>>> import symdyn as sd
>>> m = sd.model("spiked-wigner")
>>> fs = finite_size(m, m.params(theta="3/2", alpha="1/50"), {"n": 2000})
>>> round(fs.sign.amplitude, 5), round(fs.sign.sigma, 5), round(fs.sign.predicted_wrong, 3)
(0.01491, 0.0149, 0.159)
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import mpmath as mp
import numpy as np
import sympy as sp

from ...exact import exact_sign, to_float, to_mp
from .._spectral_finite_size import FiniteSize
from ...numeric.arithmetic import MPFR
from ...numeric.rules import GaussChebyshev
from ...tex import Prose
from .constants import exact_constants
from .evaluation import Evaluator

__all__ = ["finite_size", "FiniteSize", "SpikedWignerSignRisk", "SUPPORTED"]

SUPPORTED = ("m", "energy", "N", "Q")
_EXTRA_KEY = "amplitude"
_DPS = 30
_HERMITE = 40


class SpikedWignerSignRisk:
    """The sign risk above threshold at size ``n`` (the :class:`symdyn.check.SignRisk` interface)."""

    extra_key = _EXTRA_KEY
    amplitude_label = Prose("outlier amplitude <v1, x0>", r"outlier amplitude $\langle v_1, x_0\rangle$")
    amplitude_latex = r"\alpha\sqrt{\zeta}"
    missing_hint = Prose("the Krylov route does not resolve the outlier's amplitude: use the dense method, --method eigh",
                         "the Krylov route does not resolve the outlier's amplitude: use the dense simulation method "
                         r"\emph{eigh}")
    correction_text = ("each trial's deterministic equivalent given its realised outlier amplitude (and top "
                       "eigenvalue when recorded) replaces the one at the limit amplitude")

    def __init__(self, model: Any, params: Any, can: Any, n: int) -> None:
        from scipy import stats  # when used: importing scipy.stats takes 0.4 s

        self.model, self.params, self.can, self.n = model, params, can, n
        self.ex = exact_constants(can)
        e = self.ex.exprs
        self.zeta = to_float(e["weight"])
        self.sqrt_zeta = to_float(e["sqrt_weight"])
        self.lam_star = to_float(e["lam_star"])
        self.alpha = to_float(can.alpha)
        self.x_scale = to_float(can.x_scale)
        self.amplitude = self.alpha * self.sqrt_zeta
        self.sigma = math.sqrt((1.0 - self.alpha**2) * (1.0 - self.zeta) / n)
        self.predicted_wrong = float(stats.norm.cdf(-abs(self.amplitude) / self.sigma)) if self.sigma > 0 else 0.0
        self.description = Prose("the outlier amplitude <v1, x0> = alpha sqrt(1 - theta^-2) (v1 the top eigenvector, "
                                 "<x, v1> > 0); its finite-n part sqrt(1 - alpha^2) <v1, g> has s.d. "
                                 "sqrt((1 - alpha^2) theta^-2/n)",
                                 r"the outlier amplitude $\langle v_1, x_0\rangle = \alpha\sqrt{1 - \theta^{-2}}$ "
                                 r"($v_1$ the top eigenvector, $\langle x, v_1\rangle > 0$); its finite-$n$ part "
                                 r"$\sqrt{1 - \alpha^2}\,\langle v_1, g\rangle$ has standard deviation "
                                 r"$\sqrt{(1 - \alpha^2)\theta^{-2}/n}$")
        self._cache: dict[Any, dict[str, float]] = {}

    # -- the brackets of the theory, scaled by e^{-t lambda*} per power of f (floats)
    def _brackets(self, t_user: Any) -> dict[str, float]:
        key = sp.sympify(t_user)
        if key not in self._cache:
            can = self.can
            t_can = key if can.gd else key * can.time_factor
            ev = Evaluator(can, self.ex, MPFR, GaussChebyshev())
            tf = float(t_can)
            order = ev.rule.refine(ev.order(tf, _DPS + 10, True))
            b = ev.brackets(t_can, order, _DPS + 10, True)
            L = ev.log_scale(t_can, _DPS)
            with mp.workdps(_DPS + 10):
                S1, S2, S3 = (MPFR.to_mp(b[k]) for k in ("S1", "S2", "S3"))
                z = to_mp(self.ex.exprs["weight"], _DPS + 10)
                ls = to_mp(self.ex.exprs["lam_star"], _DPS + 10)
                out = {"B1": float(S1 - z), "B2": float(S2 - z), "B3": float(S3 - z * ls),
                       "M2": float(MPFR.to_mp(b["M2"])), "M3": float(MPFR.to_mp(b["M3"])), "L": float(L)}
            self._cache[key] = out
        return self._cache[key]

    def at_amplitude(self, observable: str, times: Sequence[Any], a: np.ndarray) -> np.ndarray:
        """``f(a)``: the deterministic equivalent given a realised outlier amplitude ``a`` (any shape) at
        each time, shape ``a.shape + (len(times),)``; at ``a = amplitude`` it is the model's own theory."""
        a = np.asarray(a, dtype=float)[..., None]
        z, sz = self.zeta, self.sqrt_zeta
        d = a - self.amplitude
        ap = self.alpha - d * sz / (1.0 - z)
        rest = (1.0 - self.alpha**2) - d * d / (1.0 - z)
        br = [self._brackets(t) for t in times]
        B1, B2, B3, M2, M3, L = (np.array([b[k] for b in br]) for k in ("B1", "B2", "B3", "M2", "M3", "L"))
        N = sz * a + ap * B1
        Q = a * a + ap * ap * B2 + rest * M2
        if observable == "m":
            return N / np.sqrt(Q)
        if observable == "energy":
            return self.x_scale * (self.lam_star * a * a + ap * ap * B3 + rest * M3) / Q
        if observable == "N":
            return N * np.exp(L)
        if observable == "Q":
            return Q * np.exp(2 * L)
        raise KeyError(observable)

    def amplitudes(self, extra: Mapping[str, np.ndarray]) -> np.ndarray | None:
        """The trials' realised amplitudes as the simulation recorded them (``None`` if it did not)."""
        amp = extra.get(self.extra_key)
        return None if amp is None else np.asarray(amp, dtype=float).reshape(-1)

    def sign_bias(self, observable: str, times: Sequence[Any]) -> np.ndarray | None:
        """Not separated from :meth:`mixture_bias` here: ``None`` (the checker then uses the mixture bias)."""
        return None

    def mixture_bias(self, observable: str, times: Sequence[Any]) -> np.ndarray | None:
        if observable not in SUPPORTED:
            return None
        x, w = np.polynomial.hermite_e.hermegauss(_HERMITE)
        a = self.amplitude + self.sigma * x
        vals = self.at_amplitude(observable, times, a)                 # (nodes, times)
        mean = (w[:, None] * vals).sum(axis=0) / w.sum()
        return mean - self.at_amplitude(observable, times, np.array(self.amplitude))

    def correction(self, observable: str, times: Sequence[Any], extra: Mapping[str, np.ndarray]) -> np.ndarray | None:
        if observable not in SUPPORTED or self.extra_key not in extra:
            return None
        amp = np.asarray(extra[self.extra_key], dtype=float).reshape(-1)
        return self.at_amplitude(observable, times, amp) - self.at_amplitude(observable, times, np.array(self.amplitude))


def finite_size(model: Any, params: Any, sizes: Mapping[str, int], *, dps: int = 30) -> FiniteSize | None:
    """Known finite-size effects of ``spiked-wigner`` at ``sizes = {"n": n}``, or ``None``."""
    n = int(sizes["n"])
    can = model.canonical(params, need=("theta",))
    notes: list[str] = []
    dist = abs(to_float(can.theta) - 1.0)
    window = 3.0 * n ** (-1.0 / 3.0)
    if dist < window:
        notes.append(Prose(f"|theta - 1| = {dist:.3g} is inside the BBP window 3 n^(-1/3) = {window:.3g}: at this size "
                           "the outlier is not separated from the bulk edge, so the deterministic equivalent converges "
                           "slowly in n",
                           r"$|\theta - 1| = " + f"{dist:.3g}" + r"$ is inside the BBP window $3 n^{-1/3} = "
                           + f"{window:.3g}$: at this size the outlier is not separated from the bulk edge, so the "
                           r"deterministic equivalent converges slowly in $n$"))
    sign = None
    if can.alpha is not None and exact_sign(can.theta - 1) > 0 and exact_sign(can.alpha) != 0:
        sign = SpikedWignerSignRisk(model, params, can, n)
    if not notes and sign is None:
        return None
    return FiniteSize(notes=tuple(notes), sign=sign)
