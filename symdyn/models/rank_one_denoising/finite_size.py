"""Finite-size knowledge of rank-one denoising: the sign risk near the critical ratio (spec 5.2).

Above threshold the large-time limit is ``sgn(A + B) sqrt(zeta)`` with the
outlier amplitude ``A + B = alpha sqrt(zeta_u) + kappa beta sqrt(zeta_v)``.  At
finite size each trial's amplitude ``a_i = <u1, a0> + <v1, b0>`` (top singular
pair of ``X`` with ``<u, u1> > 0``) has a random part of order ``n^(-1/2)``;
the spec's estimate of its standard deviation is

    sigma_n^2 = sigma_A^2 + sigma_B^2,  sigma_A^2 = zeta_u (1 - alpha^2)/p,
                                        sigma_B^2 = kappa^2 zeta_v (1 - beta^2)/n,

and a trial lands on the wrong sign with probability about
``Phi(-|A + B|/sigma_n)``.  Near the critical ratio, where ``A + B`` is small,
the mean over seeds is then a mixture of the two signs.

How one trial depends on its realised amplitude.  In the eigenbasis of ``X X^T``
a trial's ``a~(t)`` has the component ``C_k a_k + s_k sigma_k b_k`` along ``u_k``
(``a_k = <u_k, a0>``, ``b_k = <v_k, b0>``).  Condition on the top components
``a_1 = A + d_A``, ``b_1 = B + d_B``.  Because ``g_a`` is uniform on the sphere
orthogonal to ``u``, the deviation ``d_A`` is compensated in the bulk along the
``u``-weights: ``E[a_k | d_A] = <u_k, u> alpha'`` with ``alpha' = alpha -
d_A sqrt(zeta_u)/(1 - zeta_u)`` (likewise ``beta^' = kappa beta - d_B
sqrt(zeta_v)/(1 - zeta_v)``), and the isotropic remainder loses the variance
``d_A^2/(1 - zeta_u)``.  The deterministic equivalent of that trial is then
(``F_a = A_1 C* + B_1 s1 sigma*``, ``F_b = A_1 s1 sigma* + B_1 C*``, bulk
integrals ``<.>^b`` without the outlier atom, spec 3.4 and 4.2)

    N_u = sqrt(zeta_u) F_a + alpha' <C>^b_uu + beta^' <sigma>^b_uv,
    Q_a = F_a^2 + alpha'^2 <C^2>^b_uu + 2 alpha' beta^' <C sigma>^b_uv + beta^'^2 <lam sigma^2>^b_vv
          + ((1 - alpha^2) - d_A^2/(1 - zeta_u)) <C^2>_mu1 + (rho^ - d_B^2/(1 - zeta_v)) <lam sigma^2>_mu2,

and symmetrically for ``N_v, Q_b`` (the F1 energy uses ``e = Q_a'/(2 Q_a)``).
At ``t = 0`` every correction vanishes (``m_u(0) = alpha`` for every trial), and
at large ``t`` the outlier terms dominate.  The simulator records only the sum
``a_i = A_1 + B_1``; given its deviation ``d_i = a_i - (A + B)``, the parts are
``d_A = d_i sigma_A^2/sigma_n^2 + e``, ``d_B = d_i sigma_B^2/sigma_n^2 - e`` with an
independent ``e ~ N(0, sigma_A^2 sigma_B^2/sigma_n^2)`` (independent normal parts), and
the trial's prediction is averaged over ``e`` (Gauss-Hermite).  When the simulator
records the trial's top singular value ``s_max``, the outlier terms use it instead
of ``s1``.  The corrections are added to the model's own
``N_u, N_v, Q_a, Q_b`` (and energy); the bulk integrals they need are computed
here by composite Gauss-Legendre quadrature in the angle ``phi`` (float64,
scaled by ``e^{-t s1}``), with geometric panels towards the bulk edge.

This module is found by :meth:`symdyn.models.base.Model.finite_size` (the
model package's optional ``finite_size`` module) and consumed by the generic
checker (:mod:`symdyn.check`).

>>> import symdyn as sd
>>> m = sd.model("rank-one-denoising")
>>> p = m.params(c="1/2", theta="6/5", alpha="2/5", beta="-1/2")
>>> fs = finite_size(m, p, {"p": 1000, "n": 2000})
>>> round(fs.sign.amplitude, 5), round(fs.sign.sigma, 5), round(fs.sign.predicted_wrong, 3)
(-0.0344, 0.02532, 0.087)
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import mpmath as mp
import numpy as np
import sympy as sp

from ...exact import exact_sign, to_float, to_mp
from .._spectral_finite_size import FiniteSize
from ...params import Params
from ...tex import Prose
from . import spectral as spikes
from ...symbols import alpha as A_, beta as B_, c as C_, kappa as K_, theta as T_
from .canonical import Canonical, canonical
from .conventions import CONVENTIONS

__all__ = ["finite_size", "FiniteSize", "RankOneSignRisk", "sign_sigma", "wrong_sign_probability",
           "bbp_window", "BulkQuadrature", "flow_basis", "gd_basis", "SUPPORTED"]

#: Observables whose dependence on the amplitude is known here.
SUPPORTED = ("m_u", "m_v", "N_u", "N_v", "Q_a", "Q_b", "a_share", "energy")
_EXTRA_KEY = "amplitude"


def sign_sigma(can: Canonical, p: int, n: int, dps: int = 30) -> tuple[mp.mpf, mp.mpf]:
    """``(sigma_A^2, sigma_B^2)`` of spec 5.2 at sizes ``p x n`` (above threshold)."""
    vals = {C_: can.c, T_: can.theta, K_: can.kappa}
    zu = spikes.zeta_u().subs(vals)
    zv = spikes.zeta_v().subs(vals)
    sa2 = to_mp(zu * (1 - can.alpha**2) / p, dps)
    sb2 = to_mp(can.kappa**2 * zv * (1 - can.beta**2) / n, dps)
    return sa2, sb2


def wrong_sign_probability(amplitude: float, sigma: float) -> float:
    """``Phi(-|amplitude|/sigma)``; exactly ``1/2`` at zero amplitude."""
    from scipy import stats  # when used: importing scipy.stats takes 0.4 s

    if sigma <= 0:
        return 0.0 if amplitude != 0 else 0.5
    return float(stats.norm.cdf(-abs(amplitude) / sigma))


def bbp_window(can: Canonical, p: int, n: int) -> tuple[float, float]:
    """``(|theta^4/c - 1|, 3 m^(-1/3))`` with ``m = min(p, n)``: inside the BBP window when the first is smaller."""
    dist = abs(float(sp.N(can.theta**4 / can.c - 1, 20)))
    return dist, 3.0 * min(p, n) ** (-1.0 / 3.0)


# ----------------------------------------------------------------------------- bulk integrals


def _gl_panels(t_scale: float, levels: int = 24, nodes: int = 48) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre nodes and weights on ``[0, pi]`` in ``phi``, with geometric panels
    towards ``phi = 0`` (the bulk edge, where large ``t`` and a nearby pole concentrate the integrand)."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    edges = [0.0] + [math.pi * 2.0 ** (-k) for k in range(levels, -1, -1)]
    edges = sorted(set(edges))
    X, W = [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        X.append(0.5 * (hi - lo) * x + 0.5 * (hi + lo))
        W.append(0.5 * (hi - lo) * w)
    return np.concatenate(X), np.concatenate(W)


class BulkQuadrature:
    """Bulk parts (without the outlier atom) of ``nu_uu, nu_vv, nu_uv, mu_1, mu_2`` as phi-quadratures.

    ``integrals(C, S, LCS, L2, C2, CS, at0)`` integrates given node values of the
    basis functions; the zero atoms use the values ``at0`` at ``lambda = 0``.
    """

    def __init__(self, c: float, theta: float) -> None:
        sc = math.sqrt(c)
        phi, w = _gl_panels(1.0)
        s2, c2 = np.sin(phi / 2) ** 2, np.cos(phi / 2) ** 2
        lam = (1 - sc) ** 2 + 4 * sc * c2
        delta = (theta**2 - sc) ** 2 / theta**2
        pole = delta + 4 * sc * s2                          # lambda* - lambda, cancellation-free
        jac = 4 * c * np.sin(phi) ** 2                      # r(lambda) dlambda / dphi
        jac_over_lam = 16 * c * s2 * c2 / lam                # 4 c sin^2(phi) / lambda, safe at c = 1
        th2 = theta * theta
        self.s = np.sqrt(lam)
        self.lam = lam
        self.w = {
            "uu": w * (1 + th2) / (2 * math.pi * th2) * jac_over_lam / pole,
            "vv": w * (c + th2) / (2 * math.pi * th2) * jac_over_lam / pole,
            "uv": w * jac / (2 * math.pi * theta * pole),
            "mu1": w * jac_over_lam / (2 * math.pi * c),
            "mu2": w * jac_over_lam / (2 * math.pi),
        }
        self.zero = {  # atoms at lambda = 0
            "uu": (c - 1) / (c + th2) if c > 1 else 0.0,
            "vv": (1 - c) / (1 + th2) if c < 1 else 0.0,
            "uv": 0.0,
            "mu1": 1 - 1 / c if c > 1 else 0.0,
            "mu2": 1 - c if c < 1 else 0.0,
        }

    def integrate(self, measure: str, values: np.ndarray, at0: float) -> float:
        return float(self.w[measure] @ values + self.zero[measure] * at0)


def flow_basis(s: np.ndarray, t: float, s1: float) -> dict[str, np.ndarray]:
    """Flow basis at singular values ``s``, scaled by ``e^{-t s1}`` (``C``, ``S = sigma``) or ``e^{-2 t s1}``."""
    up = np.exp(t * (s - s1))
    om = -np.expm1(-2 * t * s)                                  # 1 - e^{-2ts}
    C = up * (1 + np.exp(-2 * t * s)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        S = np.where(s > 0, up * om / (2 * np.where(s > 0, s, 1.0)), t * math.exp(-t * s1))
    sh = up * om / 2                                            # sinh(ts) e^{-t s1}
    return {"C": C, "S": S, "C2": C * C, "L2": sh * sh, "CS": C * S, "LCS": s * sh * C}


def gd_basis(s: np.ndarray, k: float, eta: float, s1: float) -> dict[str, np.ndarray]:
    """GD basis ``C_k, sigma_k`` scaled by ``(1 + eta s1)^(-k)`` (no energy for GD)."""
    g = 1 + eta * s1
    rp, rm = (1 + eta * s) / g, (1 - eta * s) / g
    P, M = rp**k, np.sign(rm) ** k * np.abs(rm) ** k
    C = (P + M) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        S = np.where(s > 1e-7, (P - M) / (2 * np.where(s > 1e-7, s, 1.0)), k * eta * g ** (-k) * np.ones_like(s))
    sh = s * S
    return {"C": C, "S": S, "C2": C * C, "L2": sh * sh, "CS": C * S, "LCS": s * sh * C}


class RankOneSignRisk:
    """The sign risk of rank-one denoising at sizes ``p x n`` (the :class:`symdyn.check.SignRisk` interface)."""

    extra_key = _EXTRA_KEY
    amplitude_label = Prose("outlier amplitude <u1, a0> + <v1, b0>",
                            r"outlier amplitude $\langle u_1, a_0\rangle + \langle v_1, b_0\rangle$")
    amplitude_latex = r"A+B"
    missing_hint = Prose("the Krylov route does not resolve the outlier's amplitude: use the dense method, --method gram",
                         "the Krylov route does not resolve the outlier's amplitude: use the dense simulation method "
                         r"\emph{gram}")
    correction_text = ("each trial's deterministic equivalent given its realised outlier amplitude (and top "
                       "singular value when recorded) replaces the one at the limit amplitude")

    def __init__(self, model: Any, params: Params, can: Canonical, p: int, n: int, dps: int = 30) -> None:
        self.model, self.params, self.can, self.p, self.n = model, params, can, p, n
        self.dps = dps
        vals = {C_: can.c, T_: can.theta, A_: can.alpha, B_: can.beta, K_: can.kappa}
        th = can.theta
        D = th**4 - can.c
        # A + B through the critical combination: exact zero at the critical ratio, no cancellation near it
        comb = spikes.critical_combination().subs(vals)
        self._sign = exact_sign(comb)
        self.amplitude_mp = to_mp(sp.sqrt(D) / th * comb, dps) if self._sign != 0 else mp.mpf(0)
        self.amplitude = float(self.amplitude_mp)
        zu, zv = spikes.zeta_u().subs(vals), spikes.zeta_v().subs(vals)
        self.zeta_u, self.zeta_v = to_float(zu), to_float(zv)
        self.sqrt_zu, self.sqrt_zv = to_mp(sp.sqrt(zu), dps), to_mp(sp.sqrt(zv), dps)
        self.A = to_mp(can.alpha * sp.sqrt(zu), dps)
        self.B = to_mp(can.kappa * can.beta * sp.sqrt(zv), dps)
        self.s1 = to_mp(spikes.outlier().subs(vals), dps)
        self.gap = to_float(spikes.gap().subs(vals))
        self.alpha, self.beta_hat = to_float(can.alpha), to_float(can.kappa * can.beta)
        self.rho_hat = to_float(can.kappa**2 * (1 - can.beta**2))
        sa2, sb2 = sign_sigma(can, p, n, dps)
        self.sigma_a, self.sigma_b = float(mp.sqrt(sa2)), float(mp.sqrt(sb2))
        self.sigma = float(mp.sqrt(sa2 + sb2))
        self.w_a = float(sa2 / (sa2 + sb2))
        self.w_b = float(sb2 / (sa2 + sb2))
        self.predicted_wrong = wrong_sign_probability(self.amplitude, self.sigma)
        self.description = Prose(
            f"outlier amplitude A+B = alpha sqrt(zeta_u) + kappa beta sqrt(zeta_v) = {self.amplitude:.4g} "
            f"(its sign fixes the sign of the large-time limit); finite-n s.d. of a trial's amplitude "
            f"<u1,a0> + <v1,b0> estimated as sigma_n = sqrt(zeta_u (1-alpha^2)/p + kappa^2 zeta_v (1-beta^2)/n) "
            f"= {self.sigma:.4g} at p x n = {p} x {n} (spec 5.2, an approximation); "
            f"P(wrong sign) = Phi(-|A+B|/sigma_n)",
            r"the outlier amplitude $A + B = \alpha\sqrt{\zeta_u} + \kappa\beta\sqrt{\zeta_v} = "
            f"{self.amplitude:.4g}$ (its sign fixes the sign of the large-time limit); the finite-$n$ standard "
            r"deviation of a trial's amplitude $\langle u_1, a_0\rangle + \langle v_1, b_0\rangle$ is estimated as "
            r"$\sigma_n = \sqrt{\zeta_u (1 - \alpha^2)/p + \kappa^2 \zeta_v (1 - \beta^2)/n} = "
            f"{self.sigma:.4g}$ at $p \\times n = {p} \\times {n}$ (an approximation); "
            r"$P(\text{wrong sign}) = \Phi(-|A + B|/\sigma_n)$")
        self._bulk = BulkQuadrature(to_float(can.c), to_float(can.theta))
        self._cache: dict[tuple, dict[str, np.ndarray]] = {}

    # ------------------------------------------------------------------ time parts
    def _times_canonical(self, times: Sequence[Any]) -> list[Any]:
        return [t if self.can.gd else t * self.can.time_factor for t in times]

    def _x_scale(self) -> sp.Expr:
        xs = getattr(self.can, "x_scale", None)
        if xs is not None:
            return xs
        conv = CONVENTIONS[self.params["convention"]]
        return conv.time_scale(self.params["c"], self.params["sigma"])

    def _parts(self, times: Sequence[Any]) -> dict[str, np.ndarray]:
        """Per time: the model's scaled ``N, Q`` (and ``Q_a'``), the outlier bases and the bulk integrals."""
        key = tuple(times)
        if key in self._cache:
            return self._cache[key]
        can = self.can
        energy = (not can.gd) and can.flow == "F1"
        names = ["N_u", "N_v", "Q_a", "Q_b"] + (["energy"] if energy else [])
        traj = self.model.evaluate(self.params, list(times), dps=max(15, min(self.dps, 30)), observables=names)
        xs = to_mp(self._x_scale(), 30)
        s1 = float(self.s1)
        bulk = self._bulk
        rows: dict[str, list[float]] = {}

        def put(k: str, v: float) -> None:
            rows.setdefault(k, []).append(float(v))

        for j, t in enumerate(self._times_canonical(times)):
            tf = float(sp.N(t, 30))
            put("t", tf)
            with mp.workdps(30):
                if can.gd:
                    eta = to_mp(can.eta, 30)
                    L = to_mp(t, 30) * mp.log1p(eta * self.s1)
                    rk = ((1 - eta * self.s1) / (1 + eta * self.s1)) ** to_mp(t, 30)
                    C, S = (1 + rk) / 2, (1 - rk) / 2
                else:
                    L = to_mp(t, 30) * self.s1
                    e2 = mp.exp(-2 * L)
                    C, S = (1 + e2) / 2, (1 - e2) / 2
                g1, g2 = mp.exp(-L), mp.exp(-2 * L)
                put("L", L)
                put("C", C)
                put("S", S)
                put("Nu", traj["N_u"][j] * g1)
                put("Nv", traj["N_v"][j] * g1)
                put("Qa", traj["Q_a"][j] * g2)
                put("Qb", traj["Q_b"][j] * g2)
                if energy:
                    put("Qpa", 2 * (traj["energy"][j] / xs) * traj["Q_a"][j] * g2)
                    put("xs", xs)
            b = gd_basis(bulk.s, tf, float(sp.N(can.eta, 30)), s1) if can.gd else flow_basis(bulk.s, tf, s1)
            b0 = gd_basis(np.zeros(1), tf, float(sp.N(can.eta, 30)), s1) if can.gd else flow_basis(np.zeros(1), tf, s1)
            at0 = {k: float(v[0]) for k, v in b0.items()}
            for meas, funcs in (("uu", ("C", "C2", "L2", "LCS")), ("vv", ("C", "C2", "L2", "LCS")),
                                ("uv", ("S", "CS", "L2", "C2")), ("mu1", ("C2", "L2", "LCS")),
                                ("mu2", ("C2", "L2", "LCS"))):
                for fn in funcs:
                    put(f"{meas}_{fn}", bulk.integrate(meas, b[fn], at0[fn]))
        parts = {k: np.asarray(v, dtype=float) for k, v in rows.items()}
        self._cache[key] = parts
        return parts

    def _outlier_bases(self, parts: dict[str, np.ndarray], s: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Scaled ``C(lambda*)``, ``s1 sigma(lambda*)`` at the limit ``s1`` or at realised top singular values ``s``
        (``s`` broadcasts against the time axis, the last one)."""
        if s is None:
            return parts["C"], parts["S"]
        t, s1 = parts["t"], float(self.s1)
        if self.can.gd:
            eta = float(sp.N(self.can.eta, 30))
            g = 1 + eta * s1
            P = ((1 + eta * s) / g) ** t
            rm = (1 - eta * s) / g
            M = np.sign(rm) ** t * np.abs(rm) ** t
            return (P + M) / 2, (P - M) / 2
        up, dn = np.exp(t * (s - s1)), np.exp(-t * (s + s1))
        return (up + dn) / 2, (up - dn) / 2

    def _state(self, parts: dict[str, np.ndarray], dA: np.ndarray, dB: np.ndarray,
               s: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Scaled ``N_u, N_v, Q_a, Q_b`` (and ``Q_a'``) of a trial whose top components deviate by ``dA``, ``dB``
        and, if given, whose top singular value is ``s`` (the outlier terms then use ``s`` instead of ``s1``).
        All arguments broadcast against the time axis (the last one)."""
        A, B = float(self.A), float(self.B)
        C0, S0 = parts["C"], parts["S"]
        C, S = self._outlier_bases(parts, s)
        Fa0, Fb0 = A * C0 + B * S0, A * S0 + B * C0
        Fa, Fb = (A + dA) * C + (B + dB) * S, (A + dA) * S + (B + dB) * C
        al, bh = self.alpha, self.beta_hat
        ka = math.sqrt(self.zeta_u) / (1 - self.zeta_u)
        kb = math.sqrt(self.zeta_v) / (1 - self.zeta_v)
        al1, bh1 = al - dA * ka, bh - dB * kb
        vA, vB = dA * dA / (1 - self.zeta_u), dB * dB / (1 - self.zeta_v)
        P = parts
        out = {
            "Nu": P["Nu"] + float(self.sqrt_zu) * (Fa - Fa0) + (al1 - al) * P["uu_C"] + (bh1 - bh) * P["uv_S"],
            "Nv": P["Nv"] + float(self.sqrt_zv) * (Fb - Fb0) + (al1 - al) * P["uv_S"] + (bh1 - bh) * P["vv_C"],
            "Qa": (P["Qa"] + (Fa * Fa - Fa0 * Fa0) + (al1**2 - al**2) * P["uu_C2"]
                   + 2 * (al1 * bh1 - al * bh) * P["uv_CS"] + (bh1**2 - bh**2) * P["vv_L2"]
                   - vA * P["mu1_C2"] - vB * P["mu2_L2"]),
            "Qb": (P["Qb"] + (Fb * Fb - Fb0 * Fb0) + (al1**2 - al**2) * P["uu_L2"]
                   + 2 * (al1 * bh1 - al * bh) * P["uv_CS"] + (bh1**2 - bh**2) * P["vv_C2"]
                   - vA * P["mu1_L2"] - vB * P["mu2_C2"]),
        }
        if "Qpa" in P:
            s1 = float(self.s1)
            si = s1 if s is None else s
            out["Qpa"] = (P["Qpa"] + 2 * (si * Fa * Fb - s1 * Fa0 * Fb0) + 2 * (al1**2 - al**2) * P["uu_LCS"]
                          + 2 * (al1 * bh1 - al * bh) * (P["uv_L2"] + P["uv_C2"])
                          + 2 * (bh1**2 - bh**2) * P["vv_LCS"] - 2 * vA * P["mu1_LCS"] - 2 * vB * P["mu2_LCS"])
        return out

    def _value(self, obs: str, parts: dict[str, np.ndarray], st: dict[str, np.ndarray]) -> np.ndarray | None:
        if obs == "m_u":
            return st["Nu"] / np.sqrt(st["Qa"])
        if obs == "m_v":
            return st["Nv"] / np.sqrt(st["Qb"])
        if obs == "a_share":
            return st["Qa"] / (st["Qa"] + st["Qb"])
        if obs == "energy":
            if "Qpa" not in st:
                return None
            return parts["xs"] * st["Qpa"] / (2 * st["Qa"])
        with np.errstate(over="ignore", invalid="ignore"):
            if obs == "N_u":
                return np.exp(parts["L"]) * st["Nu"]
            if obs == "N_v":
                return np.exp(parts["L"]) * st["Nv"]
            if obs == "Q_a":
                return np.exp(2 * parts["L"]) * st["Qa"]
            if obs == "Q_b":
                return np.exp(2 * parts["L"]) * st["Qb"]
        return None

    def deterministic(self, observable: str, times: Sequence[Any]) -> np.ndarray | None:
        """The deterministic equivalent at *times* as this description writes it (no amplitude deviation,
        top singular value at its limit ``s1``), in float64; ``None`` for an observable it does not cover.

        It is the point the corrections are measured from, so it must reproduce the model's own
        trajectory (``tests/test_check_finite_size.py``).
        """
        return self._deterministic(observable, self._parts(times))

    def _deterministic(self, obs: str, parts: dict[str, np.ndarray]) -> np.ndarray | None:
        return self._value(obs, parts, self._state(parts, 0.0, 0.0))

    def _f(self, obs: str, parts: dict[str, np.ndarray], d: np.ndarray, s: np.ndarray | None = None) -> np.ndarray | None:
        """Expected observable of trials whose amplitude deviates by ``d`` (and whose top singular value is
        ``s``), shape ``d.shape + (times,)``.

        Only the sum ``d = d_A + d_B`` is known; given it, ``d_A = w_A d + e`` and ``d_B = w_B d - e`` with
        ``e ~ N(0, sigma_A^2 sigma_B^2/sigma_n^2)`` independent of ``d`` (independent normal parts).  The
        expectation over ``e`` is a 9-node Gauss-Hermite rule, which keeps ``E[d_A d_B] = 0``.
        """
        d = np.asarray(d, dtype=float)[..., None, None]
        x, w = np.polynomial.hermite_e.hermegauss(9)
        tau = self.sigma_a * self.sigma_b / self.sigma
        e = (tau * x)[:, None]
        dA, dB = self.w_a * d + e, self.w_b * d - e
        si = None if s is None else np.asarray(s, dtype=float)[..., None, None]
        val = self._value(obs, parts, self._state(parts, dA, dB, si))
        if val is None:
            return None
        return np.tensordot(val, w / w.sum(), axes=([-2], [0]))

    # ------------------------------------------------------------------ the SignRisk interface
    def amplitudes(self, extra: Mapping[str, np.ndarray]) -> np.ndarray | None:
        """The trials' amplitudes, or ``None`` if missing or inaccurate.

        The Krylov (Lanczos) route stops once ``exp(tH) w0`` has converged at the requested
        times, which can be before the top Ritz pair has: its diagnostics are then off.  The
        error of the Ritz vector is about ``ritz_residual / (s1 - s+)``; amplitudes are used
        only if that is below ``1e-4`` (well under ``sigma_n`` for any practical size) for every trial.
        """
        amp = extra.get(self.extra_key)
        if amp is None:
            return None
        amp = np.asarray(amp, dtype=float).reshape(-1)
        res = extra.get("ritz_residual")
        if res is not None:
            res = np.asarray(res, dtype=float).reshape(-1)
            if res.shape != amp.shape or not np.all(np.isfinite(res)) or np.max(res) / self.gap > 1e-4:
                return None
        return amp if np.all(np.isfinite(amp)) else None

    def correction(self, observable: str, times: Sequence[Any], extra: Mapping[str, np.ndarray]) -> np.ndarray | None:
        """``f(a_i, s_i) - f(A + B, s1)`` per trial (rows) and time (columns).

        ``extra`` is the simulation's per-trial diagnostics: ``amplitude`` (required) and
        ``s_max`` (the realised top singular value; used when present).
        """
        amp = self.amplitudes(extra)
        if observable not in SUPPORTED or amp is None:
            return None
        parts = self._parts(times)
        d = amp - self.amplitude
        s = extra.get("s_max")
        s = None if s is None else np.asarray(s, dtype=float).reshape(-1)
        if s is not None and (s.shape != d.shape or not np.all(np.isfinite(s))):
            s = None
        fi = self._f(observable, parts, d, s)
        f0 = self._deterministic(observable, parts)
        if fi is None or f0 is None:
            return None
        with np.errstate(invalid="ignore", over="ignore"):
            return fi - f0

    def sign_bias(self, observable: str, times: Sequence[Any]) -> np.ndarray | None:
        """``P (f(a_w) - f(a_r))``: the expected shift of the mean by wrong-sign trials, with ``a_w``, ``a_r``
        the mean amplitudes of the wrong and of the right sign under ``a_i ~ N(A + B, sigma_n^2)``."""
        from scipy import stats  # when used: importing scipy.stats takes 0.4 s

        if observable not in SUPPORTED:
            return None
        parts = self._parts(times)
        mu, sig = self.amplitude, self.sigma
        s0 = 1.0 if mu >= 0 else -1.0
        x = abs(mu) / sig
        P = float(stats.norm.cdf(-x))
        pdf = float(stats.norm.pdf(x))
        a_r = s0 * (abs(mu) + sig * pdf / float(stats.norm.cdf(x)))
        a_w = s0 * (abs(mu) - sig * pdf / P) if P > 0 else a_r
        f = self._f(observable, parts, np.array([a_w - mu, a_r - mu]))
        if f is None:
            return None
        with np.errstate(invalid="ignore", over="ignore"):
            return P * (f[0] - f[1])

    def mixture_bias(self, observable: str, times: Sequence[Any]) -> np.ndarray | None:
        """``E[f(a_i)] - f(A + B)`` with ``a_i ~ N(A + B, sigma_n^2)`` per time (adaptive quadrature)."""
        if observable not in SUPPORTED:
            return None
        parts = self._parts(times)
        det = self._deterministic(observable, parts)
        if det is None:
            return None
        sig = self.sigma
        out = np.empty(len(times))
        A, B = float(self.A), float(self.B)
        for j in range(len(times)):
            sub = {k: v[j:j + 1] for k, v in parts.items()}
            f0 = float(det[j])
            if not math.isfinite(f0):
                out[j] = np.nan
                continue
            # near-kinks where the outlier parts F_a or F_b change sign
            C, S = float(sub["C"][0]), float(sub["S"][0])
            pts = []
            for slope, base in ((self.w_a * C + self.w_b * S, A * C + B * S),
                                (self.w_a * S + self.w_b * C, A * S + B * C)):
                if slope != 0 and abs(base / slope) < 10 * sig:
                    pts.append(-base / slope)

            def g(x: float) -> float:
                return (float(self._f(observable, sub, np.array([x]))[0, 0]) - f0) * math.exp(-0.5 * (x / sig) ** 2)

            from scipy import integrate

            val, _ = integrate.quad(g, -10 * sig, 10 * sig, points=sorted(set(pts)) or None, limit=200,
                                    epsabs=1e-13, epsrel=1e-10)
            out[j] = val / (sig * math.sqrt(2 * math.pi))
        return out


def finite_size(model: Any, params: Params, sizes: Mapping[str, int], *, dps: int = 30) -> FiniteSize:
    """Known finite-size effects of rank-one denoising at sizes ``{"p": p, "n": n}``.

    * the sign risk near the critical ratio (above threshold, alpha and beta given);
    * a note when theta is inside the BBP window ``|theta^4/c - 1| < 3 min(p, n)^(-1/3)``,
      where finite-n corrections are of order ``n^(-1/3)`` rather than ``n^(-1/2)``.
    """
    p, n = int(sizes["p"]), int(sizes["n"])
    can = canonical(params, need=("theta",))
    notes: list[str] = []
    dist, window = bbp_window(can, p, n)
    if dist < window:
        notes.append(Prose(f"theta is inside the BBP window at this size (|theta^4/c - 1| = {dist:.3g} < "
                           f"3 min(p,n)^(-1/3) = {window:.3g}): the outlier is not separated from the bulk edge at "
                           f"finite n, corrections are of order n^(-1/3), and large-time rows converge slowly",
                           r"$\theta$ is inside the BBP window at this size ($|\theta^4/c - 1| = " + f"{dist:.3g}"
                           r" < 3 \min(p, n)^{-1/3} = " + f"{window:.3g}$): the outlier is not separated from the "
                           r"bulk edge at finite $n$, corrections are of order $n^{-1/3}$, and large-time rows "
                           r"converge slowly"))
    sign = None
    if exact_sign(can.theta**4 - can.c) > 0 and can.alpha is not None and can.beta is not None:
        sign = RankOneSignRisk(model, params, can, p, n, dps)
        if sign.predicted_wrong > 0.01:
            need = (9 * sign.sigma**2 / sign.amplitude**2) * n if sign.amplitude != 0 else math.inf
            where = "infinity (exactly critical)" if math.isinf(need) else f"{need:.3g}"
            notes.append(Prose(f"near the critical ratio: P(wrong sign) ~ {sign.predicted_wrong:.3g} at this size; "
                               f"the sign of the limit is reliable (|A+B| >= 3 sigma_n) only for n >~ " + where,
                               r"near the critical ratio: $P(\text{wrong sign}) \approx "
                               + f"{sign.predicted_wrong:.3g}$ at this size; the sign of the limit is reliable "
                               r"($|A + B| \ge 3\sigma_n$) only for "
                               + (r"$n = \infty$ (exactly critical)" if math.isinf(need)
                                  else r"$n \gtrsim " + f"{need:.3g}$")))
    return FiniteSize(notes=tuple(notes), sign=sign)
