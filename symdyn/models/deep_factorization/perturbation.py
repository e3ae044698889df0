r"""The perturbation ``W^ = W* + E`` and how it moves the low-rank interval (spec 3.6).

The draw (reproducible by anyone): ``W* = diag(sigma_1, ..., sigma_r, 0, ..., 0)`` (d x d) and, with
``rng = numpy.random.default_rng(noise_seed)``, ``G = rng.standard_normal((d, d))``, ``S = (G + G^T)/2``
(a GOE matrix), ``E = S * (noise / ||S||_2)`` in float64.  ``W^ = W* + E`` is diagonalised by
``numpy.linalg.eigh``; the eigenvalues are sorted decreasingly (``lam_hat``) and carried on as the exact
binary rationals of their float64 values (error about ``d u ||W^||``, stated in :attr:`Perturbation.error`).
Alternatively ``lam_hat`` is given exactly (:func:`given`), without eigenvectors.

Bounds and predictions:

* Weyl ``|lam_i - sigma_i| <= ||E||`` (``sigma_i = 0`` for ``i > r``), Davis-Kahan
  ``||sin Theta|| <= ||E||/(lam_r - sigma_{r+1}) <= 2||E||/sigma_r`` (the second once ``||E|| <= sigma_r/2``);
* the second-order eigenvalue shift ``E_kk + sum_{j != k} E_jk^2/(sigma_k - sigma_j)``, the sum over all
  ``d - 1`` other directions, the ``d - r`` null ones included;
* the first-order shift of ``T0``: ``(dT/ds)(sigma_k) (lam_k - sigma_k)`` with the exact derivative of the
  closed form (:func:`dT_ds`) and its ``alpha -> 0`` form ``-alpha^{-(N-2)}/((N-2) s^2)`` (``-log(1/alpha)/s^2``);
* the noise-fitting time ``T1~(r)``;
* the guaranteed (Weyl-sandwich) interval: ``T0~(k) <= max_{i<=k} sup_{s in [sigma_i - ||E||, sigma_i + ||E||]}
  T(s; 1 - eps)`` and ``T1~(k) >= inf_{s in [sigma_{k+1} - ||E||, sigma_{k+1} + ||E||]} T(s; eps)``.  The
  spec's simpler endpoints ``T0 at sigma_k - ||E||`` and ``T1 at sigma_{k+1} + ||E||`` need ``T`` to be
  decreasing in ``s`` there, which fails close to ``s = lambda0/level``: ``T(s)`` rises from 0 there to a
  single maximum at ``s*`` (:func:`critical_target`) and only then decreases.  The sup/inf are taken over
  that unimodal shape.  For step counts the bounds come from the comparison principle (``w_n`` increases
  with ``s`` when ``eta N s^p <= 1``): ``T0~ <= `` steps of target ``a`` to ``(1 - eps) b``, ``T1~ >= ``
  steps of target ``b`` to ``eps a``;
* the early-stopping error bound on ``I_r``: ``||W - W*|| <= max(eps_learn lam_1, eps_small lam_{r+1},
  lambda0) + ||W^_r - W*||`` with ``||W^_r - W*|| <= |lam_{r+1}| + ||E|| <= 2||E||``;
* the limit ``(W^)_+`` and the final loss ``(1/2) sum_{lam_i < 0} lam_i^2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import mpmath as mp
import numpy as np
import sympy as sp

from ...errors import ParameterError
from . import closed_forms as cf
from . import interval as iv
from . import steps as st_
from .inputs import check_dps, mpq, p_exponent, rational, spectrum

__all__ = [
    "Perturbation", "draw", "given", "WeylCheck", "weyl", "DavisKahan", "davis_kahan", "second_order_shift",
    "dT_ds", "T0Shift", "T0_shift", "noise_fitting_time", "WeylInterval", "weyl_interval", "critical_target",
    "early_stopping_bound", "LimitResult", "limit", "EarlyStopping", "early_stopping_optimum",
]


@dataclass(frozen=True)
class Perturbation:
    """A perturbed target: ``W* = diag(sigma, 0)`` plus ``E`` (float64), its spectrum and eigenvectors.

    ``lam_hat`` (decreasing, exact rationals: the float64 values, or the given numbers), ``Q`` the
    eigenvectors as columns in the same order (None when ``lam_hat`` was given), ``norm_E`` the operator
    norm of ``E`` as computed (the nominal ``noise`` up to rounding).
    """

    sigma: tuple[sp.Rational, ...]
    d: int
    noise: sp.Rational
    noise_seed: int | None
    E: np.ndarray | None
    lam_hat: tuple[sp.Rational, ...]
    Q: np.ndarray | None
    norm_E: float
    error: float
    method: str

    @property
    def r(self) -> int:
        return len(self.sigma)

    def sigma_padded(self) -> tuple[sp.Rational, ...]:
        return self.sigma + (sp.Integer(0),) * (self.d - self.r)

    def target(self) -> np.ndarray:
        """``W^ = W* + E`` as a float64 array (``diag(lam_hat)`` when only the spectrum is known)."""
        if self.E is None:
            return np.diag([float(v) for v in self.lam_hat])
        return np.diag([float(v) for v in self.sigma_padded()]) + self.E


def _check_d(sigma: tuple, d: Any) -> int:
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)):
        raise ParameterError(f"d={d!r} must be a whole number")
    d = int(d)
    if d < len(sigma):
        raise ParameterError(f"d={d} is smaller than r = len(sigma) = {len(sigma)}")
    return d


def draw(sigma: Any, d: Any, noise: Any, noise_seed: Any) -> Perturbation:
    """The seeded GOE perturbation of operator norm *noise* (see the module docstring for the exact draw).

    >>> P = draw("3,2,1", 6, "1/10", 0)
    >>> abs(P.norm_E - 0.1) < 1e-15, len(P.lam_hat), float(P.lam_hat[0]) > 2.9
    (True, 6, True)
    """
    sig = spectrum(sigma, "sigma")
    d = _check_d(sig, d)
    nz = rational(noise, "noise", nonnegative=True)
    if isinstance(noise_seed, bool) or not isinstance(noise_seed, (int, np.integer)) or noise_seed < 0:
        raise ParameterError(f"noise_seed={noise_seed!r} must be a whole number >= 0")
    W = np.diag([float(v) for v in sig] + [0.0] * (d - len(sig)))
    if nz == 0:
        E = np.zeros((d, d))
    else:
        rng = np.random.default_rng(int(noise_seed))
        G = rng.standard_normal((d, d))
        S = (G + G.T) / 2
        E = S * (float(nz) / np.linalg.norm(S, 2))
    lam, Q = np.linalg.eigh(W + E)
    order = np.argsort(lam)[::-1]
    lam, Q = lam[order], Q[:, order]
    norm_E = float(np.linalg.norm(E, 2)) if nz != 0 else 0.0
    err = float(d * np.finfo(float).eps * max(1.0, abs(lam).max()))
    return Perturbation(sig, d, nz, int(noise_seed), E, tuple(sp.Rational(float(v)) for v in lam), Q, norm_E, err,
                        "GOE draw: numpy.random.default_rng(noise_seed).standard_normal((d, d)), symmetrised, "
                        "scaled to ||E||_2 = noise; spectrum by numpy.linalg.eigh (float64)")


def given(sigma: Any, d: Any, lam_hat: Any, noise: Any = None) -> Perturbation:
    """A perturbed spectrum given exactly (``len(lam_hat) == d``, decreasing); ``noise`` (``||E||``) optional."""
    sig = spectrum(sigma, "sigma")
    d = _check_d(sig, d)
    lam = spectrum(lam_hat, "lam_hat", positive=False, strict=False)
    if len(lam) != d:
        raise ParameterError(f"lam_hat has {len(lam)} entries: it must have d = {d}")
    nz = None if noise is None else rational(noise, "noise", nonnegative=True)
    if nz is None:
        pad = sig + (sp.Integer(0),) * (d - len(sig))
        nz = max(abs(a - b) for a, b in zip(lam, pad))  # the smallest ||E|| compatible with Weyl
    return Perturbation(sig, d, nz, None, None, lam, None, float(nz), 0.0, "lam_hat given exactly")


# ----------------------------------------------------------------------------- spectral perturbation bounds


@dataclass(frozen=True)
class WeylCheck:
    deviations: tuple[float, ...]   # |lam_i - sigma_i|
    bound: float                    # ||E||
    holds: bool
    worst: float


def weyl(P: Perturbation) -> WeylCheck:
    """Weyl's inequality ``|lam_i - sigma_i| <= ||E||`` for every ``i`` (``sigma_i = 0`` for ``i > r``)."""
    dev = tuple(abs(float(a) - float(b)) for a, b in zip(P.lam_hat, P.sigma_padded()))
    slack = P.error + 4 * np.finfo(float).eps * max(1.0, P.norm_E)
    return WeylCheck(dev, P.norm_E, all(v <= P.norm_E + slack for v in dev), max(dev))


@dataclass(frozen=True)
class DavisKahan:
    sin_theta: float                # ||sin Theta(top-r)||_2, measured from the eigenvectors
    bound: float                    # ||E||/(lam_r - sigma_{r+1})
    bound_simple: float | None      # 2||E||/sigma_r, valid once ||E|| <= sigma_r/2
    holds: bool


def davis_kahan(P: Perturbation) -> DavisKahan:
    """Davis-Kahan for the top-``r`` eigenspace (needs the eigenvectors of a drawn perturbation)."""
    if P.Q is None:
        raise ParameterError("Davis-Kahan needs the eigenvectors: draw E from noise/noise_seed")
    r = P.r
    sin = float(np.linalg.norm(P.Q[r:, :r], 2)) if P.d > r else 0.0
    gap = float(P.lam_hat[r - 1])  # - sigma_{r+1} = 0
    bound = P.norm_E / gap if gap > 0 else np.inf
    simple = 2 * P.norm_E / float(P.sigma[-1]) if P.norm_E <= float(P.sigma[-1]) / 2 else None
    ok = sin <= bound * (1 + 1e-12) + 1e-15 and (simple is None or bound <= simple * (1 + 1e-12))
    return DavisKahan(sin, bound, simple, ok)


def second_order_shift(P: Perturbation, k: int) -> dict[str, float]:
    """``E_kk`` (first order) and ``E_kk + sum_{j != k} E_jk^2/(sigma_k - sigma_j)`` (second order) for ``k <= r``,
    with the exact shift ``lam_k - sigma_k``."""
    if P.E is None:
        raise ParameterError("the eigenvalue shift needs E: draw it from noise/noise_seed")
    if not 1 <= k <= P.r:
        raise ParameterError(f"k={k}: the shift is defined for 1 <= k <= r = {P.r}")
    sig = np.array([float(v) for v in P.sigma_padded()])
    i = k - 1
    col = P.E[:, i]
    others = np.arange(P.d) != i
    second = float(col[i] + np.sum(col[others] ** 2 / (sig[i] - sig[others])))
    return {"first": float(col[i]), "second": second, "exact": float(P.lam_hat[i]) - float(P.sigma[i])}


# ----------------------------------------------------------------------------- how T moves with s


def dT_ds(s: Any, level: Any, N: Any, *, alpha: Any = None, lambda0: Any = None, dps: int = 30) -> mp.mpf:
    """The exact derivative of ``T(s) = s^{-p}[F_N(level) - F_N(lambda0/s)]`` in ``s`` (level fixed):
    ``-p T/s + s^{-p-1} x0 F_N'(x0)``, ``x0 = lambda0/s``."""
    dps = check_dps(dps)
    s = rational(s, "s", positive=True)
    T = cf.time_to_reach(s, level, N, alpha=alpha, lambda0=lambda0, dps=dps + 10)
    l0 = cf.initial_eigenvalue(alpha, lambda0, N)
    p = p_exponent(sp.Rational(N))
    with mp.workdps(dps + 10 + max(0, int(mp.log10(abs(T.value) + 1)))):
        x0 = mpq(l0 / s)
        val = -mpq(p) * T.value / mpq(s) + mp.power(mpq(s), -mpq(p) - 1) * x0 * cf.F_prime(x0, N)
    with mp.workdps(dps):
        return +val


@dataclass(frozen=True)
class T0Shift:
    """The shift ``T0~(k) - T0(k)`` (exact, flow time or steps) against the first-order predictions."""

    exact: Any
    predicted: mp.mpf             # (dT/ds)(sigma_k) (lam_k - sigma_k), exact derivative (/eta in steps)
    predicted_asymptotic: mp.mpf  # the alpha -> 0 derivative
    relative_error: mp.mpf
    in_steps: bool


def T0_shift(st_sigma: iv.Setting, lam_hat: Sequence[Any], k: int, *, dps: int = 30) -> T0Shift:
    """B7: the exact shift of ``T0(k)`` when the targets move from ``sigma`` (in *st_sigma*) to *lam_hat*."""
    pert = st_sigma.with_lam(lam_hat)
    a = iv.T0(st_sigma, k, dps=dps)
    b = iv.T0(pert, k, dps=dps)
    s, sh = st_sigma.lam[k - 1], pert.lam[k - 1]
    lev = 1 - st_sigma.eps_learn
    N = st_sigma.N
    der = dT_ds(s, lev, N, **st_sigma.init(), dps=dps)
    with mp.workdps(dps + 10):
        l0 = mpq(st_sigma.lambda0)
        if N == 2:
            asym = -mp.log(1 / l0) / 2 / mpq(s) ** 2
        else:
            asym = -mp.power(l0, -mp.mpf(N - 2) / N) / ((N - 2) * mpq(s) ** 2)
        ds = mpq(sh - s)
        unit = 1 if st_sigma.eta is None else mpq(st_sigma.eta)
        pred, pred_a = der * ds / unit, asym * ds / unit
        exact = (mp.mpf(b.value) - mp.mpf(a.value))
        rel = abs(pred - exact) / abs(exact) if exact != 0 else mp.inf
    with mp.workdps(dps):
        return T0Shift(b.value - a.value if st_sigma.eta is not None else +exact, +pred, +pred_a, +rel,
                       st_sigma.eta is not None)


def noise_fitting_time(st_hat: iv.Setting, r: int, *, dps: int = 30) -> tuple[iv.Endpoint, mp.mpf | None]:
    """``T1~(r)``: when the largest noise eigenvalue ``lam_{r+1}`` is fitted to ``eps_small lam_{r+1}``, with the
    ``alpha -> 0`` estimate ``alpha^{-(N-2)}/((N-2) lam_{r+1})`` (``log(1/alpha^2)/(2 lam_{r+1})`` for ``N = 2``),
    divided by ``eta`` for steps (None when ``T1~(r)`` is infinite)."""
    e = iv.T1(st_hat, r, dps=dps)
    if not e.finite:
        return e, None
    s = st_hat.lam[r]
    N = st_hat.N
    with mp.workdps(dps + 10):
        l0 = mpq(st_hat.lambda0)
        if N == 2:
            est = mp.log(1 / l0) / (2 * mpq(s))
        else:
            est = mp.power(l0, -mp.mpf(N - 2) / N) / ((N - 2) * mpq(s))
        if st_hat.eta is not None:
            est /= mpq(st_hat.eta)
    with mp.workdps(dps):
        return e, +est


# ----------------------------------------------------------------------------- the Weyl sandwich


def critical_target(level: Any, N: Any, *, alpha: Any = None, lambda0: Any = None, dps: int = 30) -> mp.mpf:
    """The target ``s*`` at which ``T(lambda0 -> level s; s)`` is largest.

    ``T(s)`` is 0 for ``s <= lambda0/level``, increases up to ``s*`` and decreases beyond: with
    ``x0 = lambda0/s``, ``dT/ds`` has the sign of ``h(x0) = -p (F(level) - F(x0)) + x0^{1-p}/(N (1 - x0))``, and
    ``h`` is increasing in ``x0`` (``h' = x0^{-p}/(N (1 - x0)^2) > 0``), from ``-inf`` at 0 to ``> 0`` at ``level``.
    """
    dps = check_dps(dps)
    N = sp.Rational(N)
    lev = rational(level, "level")
    l0 = cf.initial_eigenvalue(alpha, lambda0, N)
    p = p_exponent(N)
    with mp.workdps(dps + 10):
        Fl = cf.F(lev, N)
        pm, Nm = mpq(p), mpq(N)

        def h(z):  # z = logit(x0)
            x, y = 1 / (1 + mp.exp(-z)), 1 / (1 + mp.exp(z))
            return -pm * (Fl - cf.F(x, N, y=y)) + mp.power(x, 1 - pm) / (Nm * y)

        lo, hi = mp.mpf(-10), mp.log(mpq(lev) / mpq(1 - lev))
        while h(lo) > 0:
            lo *= 2
        z = mp.findroot(h, (lo, hi), solver="anderson")
        x = 1 / (1 + mp.exp(-z))
        val = mpq(l0) / x
    with mp.workdps(dps):
        return +val


@dataclass(frozen=True)
class WeylInterval:
    """Guaranteed bounds ``T0~(k) <= T0_upper`` and ``T1~(k) >= T1_lower`` for every ``E`` with ``||E|| <= noise``.

    ``spec_T0``/``spec_T1`` are the spec's simpler endpoints (T0 at ``sigma_k - ||E||``, T1 at
    ``sigma_{k+1} + ||E||``) with ``spec_valid`` saying whether the monotonicity they need holds.
    ``nonempty`` is the sufficient condition ``T0_upper < T1_lower``.
    """

    k: int
    T0_upper: Any
    T1_lower: Any
    nonempty: bool
    spec_T0: Any
    spec_T1: Any
    spec_valid: bool
    in_steps: bool
    method: str
    dps: int


def _T(st: iv.Setting, s: sp.Rational, lev: sp.Rational, dps: int) -> mp.mpf:
    return cf.time_to_reach(s, lev, st.N, **st.init(), dps=dps).value


def weyl_interval(st_sigma: iv.Setting, noise: Any, k: int, *, dps: int = 30) -> WeylInterval:
    """The guaranteed (Weyl-sandwich) bounds on the perturbed interval for ``||E|| <= noise`` (see module doc).

    *st_sigma* holds the noiseless targets ``sigma`` (padded with zeros or not: ``sigma_{r+1} = 0``).
    """
    dps = check_dps(dps)
    E = rational(noise, "noise", nonnegative=True)
    sig = [v for v in st_sigma.lam if v > 0]
    r = len(sig)
    if not 1 <= k <= r:
        raise ParameterError(f"k={k} is out of range: 1 <= k <= r = {r}")
    sig_next = sig[k] if k < r else sp.Integer(0)
    l0 = st_sigma.lambda0
    lev0, lev1 = 1 - st_sigma.eps_learn, st_sigma.eps_small
    with mp.workdps(dps):
        inf = mp.inf
    if st_sigma.eta is None:
        s0 = critical_target(lev0, st_sigma.N, **st_sigma.init(), dps=dps)
        s1 = critical_target(lev1, st_sigma.N, **st_sigma.init(), dps=dps)
        up = mp.mpf(0)
        for i in range(k):
            a, b = sig[i] - E, sig[i] + E
            if a <= 0:
                up = inf
                break
            if not lev0 * b > l0:
                continue  # every admissible target starts at its level
            cands = [_T(st_sigma, b, lev0, dps)]
            if lev0 * a > l0:
                cands.append(_T(st_sigma, a, lev0, dps))
            with mp.workdps(dps + 5):
                if mpq(a) < s0 < mpq(b):
                    cands.append(_sup_at(st_sigma, s0, lev0, dps))
            up = max(up, max(cands))
        a, b = sig_next - E, sig_next + E
        if not lev1 * b > l0:
            low = inf
        elif not lev1 * a > l0:
            low = mp.mpf(0)
        else:
            low = min(_T(st_sigma, a, lev1, dps), _T(st_sigma, b, lev1, dps))
        sa = sig[k - 1] - E
        spec0 = _T(st_sigma, sa, lev0, dps) if sa > 0 and lev0 * sa > l0 else (inf if sa <= 0 else mp.mpf(0))
        sb = sig_next + E
        spec1 = _T(st_sigma, sb, lev1, dps) if lev1 * sb > l0 else inf
        with mp.workdps(dps + 5):
            valid = bool(sa > 0 and mpq(sa) >= s0 and (sig_next - E <= 0 or mpq(sig_next - E) >= s1))
        method = ("sup/inf of the closed-form T(s) over the Weyl intervals (T is unimodal in s with its maximum "
                  "at s*)")
        return WeylInterval(k, up, low, bool(up < low), spec0, spec1, valid, False, method, dps)
    # steps: the comparison principle in the scaled variable z = w / s^(1/N)
    eta, N = st_sigma.eta, st_sigma.N
    cond = st_.step_condition([sig[0] + E], N, eta, dps=dps)
    if not cond.monotone:
        raise ParameterError("the step-count Weyl bounds need eta N (sigma_1 + ||E||)^(2-2/N) <= 1 (monotone GD)")
    up = 0
    for i in range(k):
        a, b = sig[i] - E, sig[i] + E
        if a <= 0:
            up = inf
            break
        if not lev0 * b > l0:
            continue
        l0w = l0 * a / b  # the start alpha (a/b)^(1/N): smallest scaled start, slowest scaled step
        if lev0 * a > l0w:
            up = max(up, st_.hitting_steps(a, [lev0], N, eta, lambda0=l0w).steps[0])
    a, b = sig_next - E, sig_next + E
    if not lev1 * b > l0:
        low = inf
    elif not lev1 * a > l0:
        low = 0
    else:
        low = st_.hitting_steps(b, [lev1], N, eta, lambda0=l0 * b / a).steps[0] if lev1 * b > l0 * b / a else 0
    spec0 = (st_.hitting_steps(sig[k - 1] - E, [lev0], N, eta, **st_sigma.init()).steps[0]
             if sig[k - 1] - E > 0 and lev0 * (sig[k - 1] - E) > l0 else inf)
    spec1 = (st_.hitting_steps(sig_next + E, [lev1], N, eta, **st_sigma.init()).steps[0]
             if lev1 * (sig_next + E) > l0 else inf)
    method = ("comparison principle in z = w/s^(1/N): z_{n+1} = z + eta s^p z^(N-1)(1 - z^N), z_0 = alpha s^(-1/N); "
              "the count to z^N >= level decreases with the scaled step eta s^p and with z_0 (eta N s^p <= 1), so "
              "T0~ <= steps of target a = sigma_i - ||E|| from lambda0 a/b, T1~ >= steps of target b = "
              "sigma_{k+1} + ||E|| from lambda0 b/a")
    return WeylInterval(k, up, low, bool(up < low), spec0, spec1, False, True, method, dps)


def _sup_at(st: iv.Setting, s_star: mp.mpf, lev: sp.Rational, dps: int) -> mp.mpf:
    """``T`` at the (irrational) maximiser ``s*``, through a rational within ``10^-(dps+5)``."""
    q = sp.Rational(mp.nstr(s_star, dps + 8))
    return _T(st, q, lev, dps)


# ----------------------------------------------------------------------------- accuracy and the limit


def early_stopping_bound(P: Perturbation, lambda0: Any, eps_learn: Any, eps_small: Any) -> dict[str, float]:
    """The bound on ``||W(n) - W*||_2`` inside ``I_r`` and its ingredients (spec 3.6)."""
    r = P.r
    lam = [float(v) for v in P.lam_hat]
    nxt = lam[r] if P.d > r else 0.0
    base = max(float(eps_learn) * lam[0], float(eps_small) * max(nxt, 0.0), float(sp.Rational(lambda0)))
    trunc = None
    if P.Q is not None:
        Wr = (P.Q[:, :r] * np.array(lam[:r])) @ P.Q[:, :r].T
        Ws = np.diag([float(v) for v in P.sigma_padded()])
        trunc = float(np.linalg.norm(Wr - Ws, 2))
    return {"bound": base + 2 * P.norm_E, "bound_with_truncation": None if trunc is None else base + trunc,
            "truncation_error": trunc, "norm_E": P.norm_E}


@dataclass(frozen=True)
class LimitResult:
    """``lim W(t) = (W^)_+`` (every positive eigenvalue fitted, negative ones decay to 0)."""

    eigenvalues: tuple[sp.Rational, ...]
    final_loss: sp.Rational
    error_frobenius: float | None       # ||(W^)_+ - W*||_F
    truncation_error_frobenius: float | None   # ||W^_r - W*||_F, the best early-stopped error (B8)
    overfitted: int                      # positive eigenvalues beyond r
    regime: str


def limit(P: Perturbation) -> LimitResult:
    """The limit ``(W^)_+``, the final loss ``(1/2) sum_{lam_i < 0} lam_i^2`` and the errors."""
    lam = P.lam_hat
    plus = tuple(max(v, sp.Integer(0)) for v in lam)
    loss = sum((v**2 for v in lam if v < 0), sp.Integer(0)) / 2
    err = trunc = None
    if P.Q is not None:
        Ws = np.diag([float(v) for v in P.sigma_padded()])
        Wp = (P.Q * np.array([float(v) for v in plus])) @ P.Q.T
        err = float(np.linalg.norm(Wp - Ws))
        r = P.r
        Wr = (P.Q[:, :r] * np.array([float(v) for v in lam[:r]])) @ P.Q[:, :r].T
        trunc = float(np.linalg.norm(Wr - Ws))
    over = sum(1 for v in lam[P.r:] if v > 0)
    regime = ("exact recovery (no perturbation)" if P.noise == 0 and all(v == 0 for v in lam[P.r:]) else
              f"over-fits {over} positive noise eigenvalue(s)" if over else "no positive noise eigenvalue")
    return LimitResult(plus, loss, err, trunc, over, regime)


@dataclass(frozen=True)
class EarlyStopping:
    """The best early-stopped error ``min_n ||W_n - W*||_F`` predicted by the decoupled dynamics.

    With ``W_n = Q diag(lambda_n) Q^T`` and ``C = Q^T W* Q``: ``||W_n - W*||_F^2 = sum_i (lambda_{i,n} - C_ii)^2 +
    sum_{i != j} C_ij^2``, minimised over the steps of the scalar recursions (float64, all components at
    once).  The spec's value ``||W^_r - W*||_F`` (``truncation``) is an upper bound up to the ``eps`` terms: the
    trajectory can do better where ``q_i^T E q_i > 0`` (``lambda_i`` passes ``C_ii < lam_i``).
    """

    minimum: float
    argmin: int
    truncation: float
    off_diagonal: float


def early_stopping_optimum(P: Perturbation, st_hat: iv.Setting, n_max: int) -> EarlyStopping:
    """Predict ``min_{0 <= n <= n_max} ||W_n - W*||_F`` and its step from the scalar recursions (needs ``Q``)."""
    if P.Q is None:
        raise ParameterError("the early-stopping optimum needs the eigenvectors: draw E from noise/noise_seed")
    if st_hat.eta is None:
        raise ParameterError("the early-stopping optimum is computed for GD steps: give eta")
    Ws = np.diag([float(v) for v in P.sigma_padded()])
    C = P.Q.T @ Ws @ P.Q
    c = np.diag(C).copy()
    off = float(np.sum(C * C) - np.sum(c * c))
    s = np.array([float(v) for v in st_hat.lam])
    N, eta = st_hat.N, float(st_hat.eta)
    w = np.full(P.d, float(st_hat.alpha) if st_hat.alpha.is_Rational else float(st_hat.lambda0) ** (1.0 / N))
    best, arg = np.inf, 0
    for n in range(int(n_max) + 1):
        lamn = w**N
        e2 = float(np.sum((lamn - c) ** 2)) + off
        if e2 < best:
            best, arg = e2, n
        w = w + eta * w ** (N - 1) * (s - w**N)
    r = P.r
    lam = np.array([float(v) for v in P.lam_hat])
    Wr = (P.Q[:, :r] * lam[:r]) @ P.Q[:, :r].T
    return EarlyStopping(float(np.sqrt(max(best, 0.0))), arg, float(np.linalg.norm(Wr - Ws)), float(np.sqrt(max(off, 0))))
