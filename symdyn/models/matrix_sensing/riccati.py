"""The exact full-observation gradient flow ``P(t) = Y K^-1 Y^T`` (spec 2.2) at any precision.

The flow ``U' = (X - UU^T) U`` (loss scale 1/4; a general loss scale runs it at
``tau = 4 loss_scale t``, see :mod:`.setting`) gives ``P = UU^T`` the Riccati
equation ``P' = XP + PX - 2P^2``, solved by ``P = Y K^-1 Y^T``, ``Y = e^(tau X) U0``,
``K = I + U0^T Phi U0``, ``Phi = diag((e^(2 s_j tau) - 1)/s_j)`` (``2 tau`` for
``s_j = 0``).  The nonzero eigenvalues of ``P`` are those of the r x r pencil
``(S, K)``, ``S = Y^T Y``.

**The scaled pencil.**  Written directly, ``S`` and ``K`` hold entries
``alpha^2 e^(2 sigma_1 tau)`` next to ``O(1)`` ones and the eigenvalues of the later
components are Schur complements that cancel them: at ``tau ~ t_k`` about
``2 log10(1/alpha) (sigma_1/sigma_k - 1)`` digits are lost, and more at larger
``tau`` (spec 5).  Here the pencil is first written in the Gram-Schmidt basis
``q_1..q_r`` of ``b_1, b_2, ...`` (:func:`.instance.gram_schmidt_rows`, ``b_i = L_i q``
with ``L`` lower trapezoidal) and scaled by ``D = diag(e^(tau sigma_a))``
(``1`` for ``a > r*``).  With ``m_i[a] = L_ia e^((sigma_i - sigma_a) tau)`` (``|m_i[a]| <=
|L_ia|`` because ``sigma_i <= sigma_a`` for ``a <= i``) and ``Ns = D^-1 Q^T N Q D^-1``
(``N`` the Gram matrix of the null rows of ``Ubar``):

    Sc = sum_i m_i m_i^T + Ns,
    Kc = diag(e^(-2 D_a tau)) / alpha^2 + sum_i psi_i m_i m_i^T + 2 tau Ns,   psi_i = (1 - e^(-2 sigma_i tau))/sigma_i,

and ``lambda(P) = eig(Sc, Kc)``.  Every entry is bounded except the diagonal
``e^(-2 D_a tau)/alpha^2`` (no exponential of a positive argument is ever formed,
so nothing overflows at any ``tau``), ``Sc`` stays well conditioned, and the
eigenvalues ``nu = 1/lambda`` of ``H = R^-1 Kc R^-T`` (``Sc = R R^T``) lose only
``log10(||H|| lambda_1)`` digits, at most about ``2 log10(1/alpha)`` whatever ``tau``.
The working precision is chosen from that estimate; the error estimate is the
difference of two evaluations ``12`` digits apart, and the precision is raised
until it is below ``10^-dps`` relative (or a cap is reached, reported in
``converged``).

:func:`direct_eigenvalues` is the textbook route (``S``, ``K`` formed from the d x r
matrix, Cholesky of ``K``, ``mp.eigsy``): an independent check and the benchmark's
baseline.

>>> from symdyn.models.matrix_sensing.setting import Setting
>>> s = Setting.of(sigma="3,2,1", d=30, r=5, alpha="1e-30")
>>> p = flow_point(s, 70, dps=20)          # float64 cannot do this (spec 5)
>>> [mp.nstr(x, 8) for x in p.eigenvalues[:3]]
['3.0', '2.0', '0.56169733']
>>> p.working_dps > 60
True
"""

from __future__ import annotations

from dataclasses import dataclass
import copy
from typing import Any, Sequence

import mpmath as mp
import sympy as sp

from ...errors import ConvergenceError, ParameterError
from ...exact import to_mp
from .instance import _ubar_cached, gram_schmidt_rows
from .setting import Setting

__all__ = ["FlowPoint", "flow_point", "flow_points", "direct_eigenvalues", "Kernel", "kernel",
           "effective_rank", "MAX_WORKING_DPS"]

#: Refuse evaluations that would need more working digits than this (the estimate is in the error).
MAX_WORKING_DPS = 20_000
_GUARD = 8
_STEP = 12


@dataclass(frozen=True)
class FlowPoint:
    """The exact flow at one time.

    Attributes
    ----------
    t : sympy.Rational
        Time in the setting's units (``tau = 4 loss_scale t``).
    eigenvalues : tuple of mpf
        ``lambda_1 >= ... >= lambda_r`` of ``P(t)`` (of ``UU^T``).
    errors : tuple of mpf
        Absolute error estimates (difference of two precisions).
    loss, loss_error : mpf
        ``loss_scale ||P - X*||_F^2`` and its error estimate.
    erank, erank_error : mpf
        Entropy effective rank ``exp(-sum p log p)``, ``p = lambda / sum lambda``.
    dps, working_dps : int
    method : str
    converged : bool
        False when the error estimate stayed above ``10^-dps`` relative at the precision cap.
    """

    t: Any
    eigenvalues: tuple[mp.mpf, ...]
    errors: tuple[mp.mpf, ...]
    loss: mp.mpf
    loss_error: mp.mpf
    erank: mp.mpf
    erank_error: mp.mpf
    dps: int
    working_dps: int
    method: str
    converged: bool = True


class Kernel:
    """The scaled pencil of one instance at one working precision (built once, then cheap per time).

    Parameters
    ----------
    setting : Setting
    prec : int
        Working digits; all stored numbers carry them.
    """

    def __init__(self, setting: Setting, prec: int) -> None:
        self.setting = setting
        self.prec = prec
        s = setting
        r, rs = s.r, s.r_star
        u = _ubar_cached(s.d, s.r, s.init_seed)
        with mp.workdps(prec):
            rows = [[mp.mpf(float(x)) for x in u[i]] for i in range(rs)]
            c, L, q = gram_schmidt_rows(rows, r)
            self.c = c
            self.L = L
            nrows = [[mp.mpf(float(x)) for x in u[i]] for i in range(rs, s.d)]
            # null Gram in the q basis: (C q_a) . (C q_b)
            cq = [[mp.fsum(row[i] * q[a][i] for i in range(r)) for a in range(r)] for row in nrows]
            self.N = [[mp.fsum(cq[j][a] * cq[j][b] for j in range(len(cq))) for b in range(r)] for a in range(r)]
            self.sig = [to_mp(x, prec) for x in s.sigma]
            self.D = [self.sig[a] if a < rs else mp.mpf(0) for a in range(r)]
            self.alpha2 = to_mp(s.alpha, prec) ** 2
            self.w2 = mp.fsum(x * x for row in rows + nrows for x in row)  # ||Ubar||_F^2 >= ||Ubar||_2^2

    def _lists(self, tau: mp.mpf) -> tuple[list[list[mp.mpf]], list[list[mp.mpf]], list[list[mp.mpf]]]:
        """``(Sc, Kc, Xc)`` as nested lists at spec time *tau* (working precision)."""
        r, rs = self.setting.r, self.setting.r_star
        tau = mp.mpf(tau)
        sig, D, L = self.sig, self.D, self.L
        zero = mp.mpf(0)
        edec = [mp.exp(-D[a] * tau) for a in range(r)]
        Sc = [[zero] * r for _ in range(r)]
        Kc = [[zero] * r for _ in range(r)]
        Xc = [[zero] * r for _ in range(r)]
        for i in range(rs):
            width = min(i + 1, r)
            mi = [L[i][a] * mp.exp((sig[i] - D[a]) * tau) for a in range(width)]
            psi = -mp.expm1(-2 * sig[i] * tau) / sig[i]
            for a in range(width):
                Sa, Ka, Xa = Sc[a], Kc[a], Xc[a]
                for b in range(a, width):
                    v = mi[a] * mi[b]
                    Sa[b] += v
                    Ka[b] += psi * v
                    Xa[b] += sig[i] * v
        for a in range(r):
            for b in range(a, r):
                ns = self.N[a][b] * edec[a] * edec[b]
                Sc[a][b] += ns
                Kc[a][b] += 2 * tau * ns
            Kc[a][a] += edec[a] ** 2 / self.alpha2
        for M in (Sc, Kc, Xc):
            for a in range(r):
                for b in range(a):
                    M[a][b] = M[b][a]
        return Sc, Kc, Xc

    def pencil(self, tau: mp.mpf) -> tuple[mp.matrix, mp.matrix, mp.matrix]:
        """``(Sc, Kc, Xc)`` at spec time *tau* (``Xc = sum_i sigma_i m_i m_i^T`` gives ``tr(P X*)``)."""
        with mp.workdps(self.prec):
            return tuple(mp.matrix(M) for M in self._lists(tau))

    def _h(self, tau: mp.mpf) -> tuple[mp.matrix, list[list[mp.mpf]], list[list[mp.mpf]]]:
        """``H = R^-1 Kc R^-T`` (``Sc = R R^T``), ``R^-1`` and ``Xc``; plain lists for the small algebra."""
        Sc, Kc, Xc = self._lists(tau)
        r = self.setting.r
        R = [[mp.mpf(0)] * r for _ in range(r)]
        for j in range(r):
            d = Sc[j][j] - mp.fdot(R[j][:j], R[j][:j])
            if not d > 0:
                raise ConvergenceError("the scaled Gram matrix S_c is not positive definite at this precision")
            R[j][j] = mp.sqrt(d)
            for i in range(j + 1, r):
                R[i][j] = (Sc[i][j] - mp.fdot(R[i][:j], R[j][:j])) / R[j][j]
        Ri = [[mp.mpf(0)] * r for _ in range(r)]          # lower-triangular inverse
        for j in range(r):
            Ri[j][j] = 1 / R[j][j]
            for i in range(j + 1, r):
                Ri[i][j] = -mp.fdot(R[i][j:i], [Ri[q][j] for q in range(j, i)]) / R[i][i]
        T = [[mp.fdot(Ri[i][:i + 1], [Kc[q][b] for q in range(i + 1)]) for b in range(r)] for i in range(r)]
        H = [[mp.fdot(T[i][:j + 1], Ri[j][:j + 1]) for j in range(r)] for i in range(r)]
        for i in range(r):
            for j in range(i):
                H[i][j] = H[j][i] = (H[i][j] + H[j][i]) / 2
        return mp.matrix(H), Ri, Xc

    def eigenvalues(self, tau: mp.mpf) -> list[mp.mpf]:
        """``lambda_1 >= ... >= lambda_r`` of ``P`` at spec time *tau* (working precision)."""
        with mp.workdps(self.prec):
            H, _, _ = self._h(tau)
            nu = mp.eigsy(H, eigvals_only=True)
            return [1 / nu[j] for j in range(self.setting.r)]

    def observables(self, tau: mp.mpf) -> tuple[list[mp.mpf], mp.mpf]:
        """Eigenvalues and ``tr(P X*)`` at spec time *tau*."""
        with mp.workdps(self.prec):
            H, Ri, Xc = self._h(tau)
            nu, V = mp.eigsy(H)
            W = V.T * mp.matrix(Ri)
            Y = W * mp.matrix(Xc) * W.T
            lam = [1 / nu[j] for j in range(self.setting.r)]
            tr = mp.fsum(lam[j] * Y[j, j] for j in range(self.setting.r))
            return lam, tr

    def crossing(self, tau: mp.mpf, target: mp.mpf, k: int) -> mp.mpf:
        """``(-1)^(r-k) det(Sc - target Kc) / det(Kc) = (-1)^(r-k) prod_j (lambda_j - target)`` at spec time *tau*.

        Negative while ``lambda_k < target`` (and ``lambda_(k-1) > target > lambda_(k+1)``), positive
        once ``lambda_k`` is above: its root is the crossing of ``lambda_k`` without an eigenvalue
        solver (Gaussian elimination with partial pivoting and a Cholesky factor of ``Kc``).
        """
        r = self.setting.r
        with mp.workdps(self.prec):
            Sc, Kc, _ = self._lists(tau)
            A = [[Sc[i][j] - target * Kc[i][j] for j in range(r)] for i in range(r)]
            det = mp.mpf(1)
            for j in range(r):
                piv = max(range(j, r), key=lambda i: abs(A[i][j]))
                if A[piv][j] == 0:
                    return mp.mpf(0)
                if piv != j:
                    A[j], A[piv] = A[piv], A[j]
                    det = -det
                det *= A[j][j]
                inv = 1 / A[j][j]
                for i in range(j + 1, r):
                    f = A[i][j] * inv
                    if f:
                        row_i, row_j = A[i], A[j]
                        for q in range(j + 1, r):
                            row_i[q] -= f * row_j[q]
            kdet = mp.mpf(1)
            L = [[mp.mpf(0)] * r for _ in range(r)]
            for j in range(r):
                dj = Kc[j][j] - mp.fdot(L[j][:j], L[j][:j])
                kdet *= dj
                L[j][j] = mp.sqrt(dj)
                for i in range(j + 1, r):
                    L[i][j] = (Kc[i][j] - mp.fdot(L[i][:j], L[j][:j])) / L[j][j]
            return (det / kdet) * (1 if (r - k) % 2 == 0 else -1)

    def spectrum(self, tau: mp.mpf) -> tuple[list[mp.mpf], list[mp.mpf]]:
        """Eigenvalues of ``P`` and its diagonal ``P_ii = e_i^T P e_i`` for ``i <= r*`` at spec time *tau*.

        ``P_ii = sum_j lambda_j (w_j . m_i)^2`` with ``W = V^T R^-1`` (``V`` the eigenvectors of
        ``H``): the loss and the distance to a truncation of ``X*`` follow without forming ``P``.
        """
        s = self.setting
        r, rs = s.r, s.r_star
        with mp.workdps(self.prec):
            H, Ri, _ = self._h(tau)
            nu, V = mp.eigsy(H)
            W = V.T * mp.matrix(Ri)
            lam = [1 / nu[j] for j in range(r)]
            tau = mp.mpf(tau)
            diag = []
            for i in range(rs):
                width = min(i + 1, r)
                mi = [self.L[i][a] * mp.exp((self.sig[i] - self.D[a]) * tau) for a in range(width)]
                diag.append(mp.fsum(lam[j] * mp.fdot([W[j, a] for a in range(width)], mi) ** 2 for j in range(r)))
            return lam, diag

    def lost_digits(self, tau: mp.mpf) -> int:
        """Digits the eigenvalues may lose at *tau*: ``log10(||H|| * lambda_max bound)`` (estimate)."""
        with mp.workdps(20):
            Sc, Kc, _ = self.pencil(tau)
            try:
                Ri = mp.inverse(mp.cholesky(Sc))
            except (ZeroDivisionError, ValueError):
                raise ConvergenceError(f"the pencil is numerically singular at tau = {mp.nstr(tau, 5)} (20 digits): "
                                       "cannot estimate the working precision there") from None
            big = mp.mnorm(Ri, "f") ** 2 * mp.mnorm(Kc, "f")
            lam_bound = max(mp.mpf(self.sig[0]), self.alpha2 * self.w2)
            return max(0, int(mp.ceil(mp.log10(big * lam_bound))))


class _KernelCache:
    """One base :class:`Kernel` per setting, at the highest precision asked for (plus a headroom);
    a request at lower precision is served by a view of it that works at the requested digits
    (its stored numbers carry more digits than needed, which only removes rounding of the inputs)."""

    HEADROOM = 16
    SIZE = 64

    def __init__(self) -> None:
        self._base: dict[Setting, Kernel] = {}
        self._views: dict[tuple[Setting, int], Kernel] = {}

    def __call__(self, setting: Setting, prec: int) -> Kernel:
        key = (setting, prec)
        if key in self._views:
            return self._views[key]
        base = self._base.get(setting)
        if base is None or base.prec < prec:
            if len(self._base) >= self.SIZE:
                self.cache_clear()
            base = self._base[setting] = Kernel(setting, prec + self.HEADROOM)
            self._views = {k: v for k, v in self._views.items() if k[0] != setting}
        view = copy.copy(base)
        view.prec = prec
        self._views[key] = view
        return view

    def cache_clear(self) -> None:
        self._base.clear()
        self._views.clear()


#: ``kernel(setting, prec)``: the :class:`Kernel` of *setting* working at *prec* digits (cached).
kernel = _KernelCache()


def _initial_prec(setting: Setting, tau: Any, dps: int) -> int:
    """Working digits from the loss estimate (the estimate itself is run at 20 digits)."""
    with mp.workdps(30):
        tau = mp.mpf(tau)
    lost = kernel(setting, 30).lost_digits(tau)
    prec = dps + lost + _GUARD
    if prec > MAX_WORKING_DPS:
        raise ParameterError(
            f"the exact flow at t={mp.nstr(tau / to_mp(setting.rate, 20), 6)} needs about {prec} working digits "
            f"(more than {MAX_WORKING_DPS}): use a larger alpha or a smaller time")
    return prec


def effective_rank(lams: Sequence[mp.mpf]) -> mp.mpf:
    """Entropy effective rank ``exp(-sum p_i log p_i)`` with ``p = lambda / sum(lambda)`` (zeros skipped)."""
    tot = mp.fsum(lams)
    ent = mp.fsum(-(x / tot) * mp.log(x / tot) for x in lams if x > 0)
    return mp.exp(ent)


def _loss(setting: Setting, lam: Sequence[mp.mpf], tr: mp.mpf, prec: int) -> mp.mpf:
    with mp.workdps(prec):
        sig2 = mp.fsum(to_mp(x, prec) ** 2 for x in setting.sigma)
        return to_mp(setting.loss_scale, prec) * (sig2 + mp.fsum(x * x for x in lam) - 2 * tr)


def flow_point(setting: Setting, t: Any, *, dps: int = 30, max_tries: int = 8) -> FlowPoint:
    """The exact flow's eigenvalues, loss and effective rank at time *t* (setting units).

    Parameters
    ----------
    setting : Setting
    t : number
        Time ``>= 0`` (exact rational preferred; ``tau = 4 loss_scale t``).
    dps : int
        Digits wanted; the error estimates say what was reached.

    Examples
    --------
    >>> s = Setting.of(sigma="3,2,1", d=8, r=2, alpha="1e-3")
    >>> p = flow_point(s, 40, dps=20)
    >>> mp.nstr(p.loss, 10)        # under-parameterized: loss_scale * sigma_3^2
    '0.25'
    """
    from ...params import parse_number

    t = parse_number(t)
    if t < 0:
        raise ParameterError(f"t={t} is negative: times must be >= 0")
    tau_exact = setting.rate * t
    prec = _initial_prec(setting, to_mp(tau_exact, 30), dps)
    ok = False
    for _ in range(max_tries):
        results = []
        for p in (prec, prec + _STEP):
            k = kernel(setting, p)
            lam, tr = k.observables(to_mp(tau_exact, p))
            results.append((lam, _loss(setting, lam, tr, p)))
        (l1, f1), (l2, f2) = results
        p2 = prec + _STEP
        with mp.workdps(p2):
            floor = mp.mpf(10) ** (-prec)
            errs = [max(abs(a - b), floor * abs(b)) for a, b in zip(l1, l2)]
            ferr = max(abs(f1 - f2), floor * abs(f2))
            rel = max(max(e / abs(b) for e, b in zip(errs, l2)), ferr / abs(f2) if f2 != 0 else mp.mpf(1))
            e2 = effective_rank(l2)
            rerr = max(abs(effective_rank(l1) - e2), floor * e2)
            missing = int(mp.ceil(mp.log10(rel))) + dps
        if missing <= 0:
            ok = True
            break
        if rel > mp.mpf(10) ** -3:  # the second evaluation is itself unreliable: take a larger step
            missing = max(missing, prec - dps)
        prec = prec + _STEP + missing + _GUARD
        if prec > MAX_WORKING_DPS:
            break
    with mp.workdps(dps):
        return FlowPoint(
            t, tuple(+x for x in l2), tuple(+e for e in errs), +f2, +ferr, +e2, +rerr, dps, p2,
            "Riccati closed form P = Y K^-1 Y^T, scaled r x r pencil (Gram-Schmidt basis of Ubar), Cholesky + eigsy, "
            "two precisions", ok)


def flow_points(setting: Setting, times: Sequence[Any], *, dps: int = 30) -> tuple[FlowPoint, ...]:
    """:func:`flow_point` at each of *times*."""
    return tuple(flow_point(setting, t, dps=dps) for t in times)


def direct_eigenvalues(setting: Setting, t: Any, *, dps: int) -> list[mp.mpf]:
    """The textbook route at fixed precision *dps*: ``S = Y^T Y``, ``K = I + U0^T Phi U0`` from the
    d x r matrices, ``K = L L^T``, eigenvalues of ``L^-1 S L^-T`` by ``mp.eigsy`` (decreasing).

    No precision management: at tiny alpha it needs about ``2 log10(1/alpha) sigma_1/sigma_k``
    extra digits (spec 5) and fails with fewer.
    """
    s = setting
    u = _ubar_cached(s.d, s.r, s.init_seed)
    with mp.workdps(dps):
        tau = to_mp(s.rate, dps) * (t if isinstance(t, mp.mpf) else to_mp(sp.Rational(t), dps))
        alpha = to_mp(s.alpha, dps)
        U0 = mp.matrix([[alpha * mp.mpf(float(x)) for x in row] for row in u])
        sig = [to_mp(x, dps) for x in s.sigma] + [mp.mpf(0)] * (s.d - s.r_star)
        Y = mp.matrix(s.d, s.r)
        PU = mp.matrix(s.d, s.r)
        for j in range(s.d):
            e = mp.exp(sig[j] * tau)
            phi = mp.expm1(2 * sig[j] * tau) / sig[j] if sig[j] != 0 else 2 * tau
            for a in range(s.r):
                Y[j, a] = e * U0[j, a]
                PU[j, a] = phi * U0[j, a]
        S = Y.T * Y
        K = mp.eye(s.r) + U0.T * PU
        Lk = mp.cholesky(K)
        Li = mp.inverse(Lk)
        ev = mp.eigsy(Li * S * Li.T, eigvals_only=True)
        return sorted((ev[j] for j in range(s.r)), reverse=True)
