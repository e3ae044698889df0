"""Finite-size simulator of the spiked Wigner model (spec section 6).

Random instances: ``Y = theta x x^T + W`` with ``W = (G + G^T)/sqrt(2n)`` for ``G`` an
``n x n`` matrix of independent standard normals (GOE: ``E W_ij^2 = 1/n`` off the
diagonal, ``2/n`` on it), ``x`` a uniform unit vector and
``x0 = alpha x + sqrt(1 - alpha^2) g`` with ``g`` a uniform unit vector orthogonal to
``x``.  Trial ``i`` draws (in this order) ``x, g, G`` from
``spawn_streams(seed, trials)[i]``, so every method sees the same instances.
``Y`` is built in place (symmetrised block by block): no ``n x n`` temporary.

The dynamics are exact (no time stepping), see :mod:`symdyn.simulate.symmetric`:

==============  ===============================================================
``eigh``        full eigendecomposition of ``Y`` (flow and GD); ``gram`` is an alias
                (the dense route of the command line's method list)
``lanczos``     Krylov (Lanczos on ``Y`` with full reorthogonalisation), large sizes
``expm``        ``scipy.linalg.expm`` of ``Y`` (tiny sizes)
``gd-iterate``  the GD recursion itself (needs ``eta``)
``ode``         ``solve_ivp`` (DOP853, rtol 1e-12) on the sphere ODE ``x' = Yx - (x^T Y x) x``
``auto``        ``eigh`` or ``lanczos``, whichever the cost model says is cheaper
==============  ===============================================================

Observables: ``m = <x, x(t)>``, ``energy = x(t)^T Y x(t)`` (in the convention's units),
``N = <x, e^{tY} x0>`` and ``Q = |e^{tY} x0|^2`` (computed scaled; ``inf`` when beyond
float64, with a note).  ``extra`` records per trial the top eigenvalue, ``<x, v1>`` and
the signed amplitude ``<v1, x0>`` (with ``<x, v1> > 0``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import sympy as sp

from ...errors import ParameterError
from ...exact import to_float
from ...params import Params
from ...simulate.chiral import Flow, Steps, unscale
from ...simulate.memory import available_memory, format_bytes
from .._spectral_simulator import MAX_STEPS, SpectralSimulator, check_cross_check_horizon
from ...simulate.symmetric import (
    SymmetricTrajectory, dense_bytes, dense_dynamics, eigh_bytes, eigh_dynamics, iterate_gd, lanczos_bytes,
    lanczos_dynamics,
)
from .canonical import Canonical, canonical

__all__ = ["SpikedWignerSimulator", "draw_instance", "Instance", "METHODS", "goe"]

METHODS = ("auto", "eigh", "gram", "lanczos", "gd-iterate", "ode", "expm")
OBSERVABLES = ("m", "energy", "N", "Q")
_BLOCK = 256             # block size of the in-place symmetrisation
_EXPM_MAX = 1200         # n above which method=expm is refused
_ODE_MAX = 20000         # n above which method=ode is refused

# Cost model of method=auto (seconds per trial), same constants as the rank-one simulator
# (benchmarks/bench_simulate.py): eigh with vectors about 3e-10 n^3 s; Lanczos k streaming passes
# over Y (8 n^2 bytes at 1.4e10 bytes/s) plus reorthogonalisation and a fixed overhead per step.
_EIGH_COEF = 3.0e-10
_STREAM_BYTES = 1.4e10
_STEP_OVERHEAD = 3.0e-4
_GEN_SECONDS = 2.0e-8


def _whole_size(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ParameterError(f"n={n!r} is not a whole number: give the dimension, e.g. n=1000")
    if n < 2:
        raise ParameterError(f"n={n} is too small: use n >= 2")
    return int(n)


@dataclass
class Instance:
    """One random problem: ``Y = theta x x^T + W`` and the start ``x0``."""

    Y: np.ndarray
    x: np.ndarray
    x0: np.ndarray


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def goe(rng: np.random.Generator, n: int) -> np.ndarray:
    """``(G + G^T)/sqrt(2n)`` from one ``n x n`` standard normal draw, symmetrised in place by blocks."""
    Y = rng.standard_normal((n, n))
    scale = 1.0 / math.sqrt(2.0 * n)
    for i in range(0, n, _BLOCK):
        ie = min(n, i + _BLOCK)
        for j in range(i, n, _BLOCK):
            je = min(n, j + _BLOCK)
            blk = (Y[i:ie, j:je] + Y[j:je, i:ie].T) * scale
            Y[i:ie, j:je] = blk
            Y[j:je, i:ie] = blk.T
    return Y


def draw_instance(rng: np.random.Generator, n: int, theta: float, alpha: float, *,
                  sqrt1ma2: float | None = None) -> Instance:
    """Draw ``x``, then ``g`` (orthogonal to ``x``), then the GOE matrix, from *rng* (this order is part
    of the reproducibility contract); add ``theta x x^T`` by row blocks, keeping ``Y`` exactly symmetric."""
    sa = math.sqrt(max(0.0, 1.0 - alpha * alpha)) if sqrt1ma2 is None else sqrt1ma2
    x = _unit(rng.standard_normal(n))
    g = rng.standard_normal(n)
    for _ in range(2):  # twice: orthogonal to working precision
        g = g - (g @ x) * x
    g = _unit(g)
    Y = goe(rng, n)
    sx = math.sqrt(theta) * x  # (sx_i)(sx_j) = (sx_j)(sx_i) in floating point: Y stays exactly symmetric
    for lo in range(0, n, _BLOCK):
        hi = min(n, lo + _BLOCK)
        Y[lo:hi] += np.outer(sx[lo:hi], sx)
    return Instance(Y, x, alpha * x + sa * g)


@dataclass(frozen=True)
class _Setup:
    can: Canonical
    n: int
    theta: float
    alpha: float
    sa: float
    x_scale: float
    times: tuple[Any, ...]
    prop: Flow | Steps
    method: str
    observables: tuple[str, ...]
    memory: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    seconds: float | None = None   # estimated seconds per trial (cost model of method=auto)
    instance_bytes: int = 0        # nothing of an instance is kept after its trial

    @property
    def sizes(self) -> dict[str, int]:
        return {"n": self.n}


class SpikedWignerSimulator(SpectralSimulator):
    """Seeded finite-size simulator of ``spiked-wigner`` (see the module docstring).

    >>> import symdyn as sd
    >>> m = sd.model("spiked-wigner")
    >>> res = m.simulator().run(m.params(theta="3/2", alpha="1/5"), ["1", "5"], n=200, trials=3, seed=1)
    >>> res.values["m"].shape, res.sizes["n"], res.method
    ((3, 2), 200, 'eigh')
    """

    methods = METHODS
    size_name = "n"
    size_help = "Dimension n of the n x n matrix Y."

    def _canonical(self, params: Params) -> Canonical:
        return canonical(params, need=("theta", "alpha"))

    @staticmethod
    def available(can: Canonical, method: str = "auto") -> tuple[str, ...]:
        if method == "ode":
            return () if can.gd else OBSERVABLES
        return OBSERVABLES

    @staticmethod
    def default_observables(can: Canonical) -> tuple[str, ...]:
        return ("m", "energy")

    def observables(self, params: Params) -> tuple[str, ...]:
        return self.available(self._canonical(params))

    # ------------------------------------------------------------------ cost and memory
    @staticmethod
    def lanczos_steps_estimate(horizon: float, s_est: float) -> int:
        """Rough number of Lanczos steps for ``exp(t Y) x0`` to 1e-13 up to ``t = horizon``."""
        return int(min(30 + 4.0 * math.sqrt(max(horizon, 0.0) * s_est), 300))

    def cost_estimate(self, n: int, method: str, horizon: float, s_est: float) -> float:
        gen = _GEN_SECONDS * n * n
        if method == "eigh":
            return gen + _EIGH_COEF * n**3
        k = min(n, self.lanczos_steps_estimate(horizon, s_est))
        return gen + k * (8.0 * n * n / _STREAM_BYTES + 16.0 * k * n / _STREAM_BYTES + _STEP_OVERHEAD)

    def _choose(self, can: Canonical, n: int, method: str, times: Sequence[float] | None, max_steps: int) -> str:
        if method not in METHODS:
            raise ParameterError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
        if method == "gram":
            return "eigh"
        if method != "auto":
            if method == "gd-iterate" and not can.gd:
                raise ParameterError("method gd-iterate iterates discrete GD: give eta=... (or use eigh/lanczos)")
            if method == "ode" and can.gd:
                raise ParameterError("method ode integrates the continuous flow, not discrete GD (eta given): "
                                     "use eigh, lanczos, expm or gd-iterate")
            if method == "expm" and n > _EXPM_MAX:
                raise ParameterError(f"method expm forms n x n matrix exponentials: n = {n} > {_EXPM_MAX}; "
                                     "use eigh or lanczos")
            if method == "ode" and n > _ODE_MAX:
                raise ParameterError(f"method ode is a small-size cross-check: n = {n} > {_ODE_MAX}")
            check_cross_check_horizon(method, can, times, max(2.0, to_float(can.theta) + 1.0 / to_float(can.theta)))
            return method
        theta = to_float(can.theta)
        s_est = max(2.0, theta + 1.0 / theta)
        if times is None:
            horizon = 50.0
        elif can.gd:
            horizon = max(times) * math.log1p(to_float(can.eta) * s_est) / s_est
        else:
            horizon = max(times)
        t_eigh = self.cost_estimate(n, "eigh", horizon, s_est)
        t_lan = self.cost_estimate(n, "lanczos", horizon, s_est)
        avail = available_memory()
        if 8 * n * n + eigh_bytes(n) > avail >= 8 * n * n + lanczos_bytes(n, max_steps):
            return "lanczos"
        return "lanczos" if t_lan < t_eigh else "eigh"

    def _method_bytes(self, n: int, method: str, ntimes: int, max_steps: int) -> int:
        base = 8 * n * n + 8 * 8 * n + 8 * 2 * _BLOCK * _BLOCK
        if method == "eigh":
            return base + eigh_bytes(n, ntimes)
        if method == "lanczos":
            return base + lanczos_bytes(n, max_steps)
        if method == "expm":
            return base + dense_bytes(n)
        if method == "ode":
            return base + 8 * n * (40 + ntimes)
        return base + 8 * 6 * n  # gd-iterate

    def memory_estimate(self, params: Params, n: int, method: str = "auto", *, times: Sequence[Any] | None = None,
                        max_steps: int = MAX_STEPS) -> int:
        """Peak bytes of one trial at size ``n``: ``Y`` (``8 n^2``) plus the method's workspace."""
        can = self._canonical(params)
        n = _whole_size(n)
        tf = None if times is None else self._float_times(can, self.model.parse_times(params, times))
        chosen = self._choose(can, n, method, tf, max_steps)
        return self._method_bytes(n, chosen, 1 if times is None else len(times), max_steps)

    # ------------------------------------------------------------------ planning
    @staticmethod
    def _float_times(can: Canonical, times: Sequence[Any]) -> list[float]:
        if can.gd:
            return [float(int(k)) for k in times]
        return [to_float(can.time_factor * t) for t in times]

    def plan(self, params: Params, times: Sequence[Any], *, n: int, method: str = "auto",
             observables: Sequence[str] | None = None, max_steps: int = MAX_STEPS) -> _Setup:
        """Validate everything and fix the size, method, observables and memory estimate (no work done)."""
        self.model.check_params(params)
        can = self._canonical(params)
        exact_times = self.model.parse_times(params, times)
        n = _whole_size(n)
        if isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer)) or max_steps < 1:
            raise ParameterError(f"max_steps={max_steps!r} must be a whole number >= 1")
        ft = self._float_times(can, exact_times)
        if not all(math.isfinite(t) for t in ft):
            raise ParameterError("times must be finite numbers")
        chosen = self._choose(can, n, method, ft, int(max_steps))
        avail_obs = self.available(can, chosen)
        if observables is None:
            wanted = tuple(o for o in self.default_observables(can) if o in avail_obs)
        else:
            wanted = tuple(observables)
            if not wanted:
                raise ParameterError("no observables requested: give at least one, e.g. m,energy")
            for o in wanted:
                self.model.observable(o)  # unknown names -> ParameterError listing all
                if o not in avail_obs:
                    raise ParameterError(f"observable {o} is not available with method {chosen}: "
                                         f"available are {', '.join(avail_obs) or 'none'}")
            if len(set(wanted)) != len(wanted):
                raise ParameterError("an observable is listed twice")
        if can.gd:
            prop: Flow | Steps = Steps(to_float(can.eta), np.array([int(k) for k in exact_times]))
        else:
            prop = Flow(np.array(ft))
        memory = self._method_bytes(n, chosen, len(ft), int(max_steps))
        avail = available_memory()
        if memory > avail:
            raise ParameterError(f"n = {n} with method {chosen} needs about {format_bytes(memory)} but only {format_bytes(avail)} of "
                                 "memory is available: use a smaller n" + (" or method=lanczos" if chosen == "eigh"
                                                                           else ""))
        notes = [f"method auto chose {chosen} for n = {n}"] if method == "auto" else []
        seconds = None
        if chosen in ("eigh", "lanczos"):
            theta = to_float(can.theta)
            s_est = max(2.0, theta + 1.0 / theta)
            horizon = max(ft) * math.log1p(to_float(can.eta) * s_est) / s_est if can.gd else max(ft)
            seconds = self.cost_estimate(n, chosen, horizon, s_est)
        return _Setup(can=can, n=n, theta=to_float(can.theta), alpha=to_float(can.alpha),
                      sa=to_float(sp.sqrt(1 - can.alpha**2)), x_scale=to_float(can.x_scale), times=tuple(exact_times),
                      prop=prop, method=chosen, observables=wanted, memory=memory, notes=tuple(notes),
                      seconds=seconds)

    # ------------------------------------------------------------------ running
    def draw(self, setup: _Setup, rng: np.random.Generator) -> Instance:
        return draw_instance(rng, setup.n, setup.theta, setup.alpha, sqrt1ma2=setup.sa)

    @staticmethod
    def label(setup: _Setup) -> str:
        return f"simulate n={setup.n} ({setup.method})"

    @staticmethod
    def unit_notes(setup: _Setup) -> list[str]:
        if setup.x_scale != 1.0 and "energy" in setup.observables:
            return ["energy is in the convention's units (Y_user = sigma Y_canonical)"]
        return []

    @staticmethod
    def _effective(s: _Setup) -> dict[str, float]:
        """Predicted outlier location and amplitude above threshold (for comparison with ``extra``)."""
        if s.theta <= 1.0:
            return {}
        w = 1.0 - 1.0 / s.theta**2
        return {"lambda_max_predicted": s.theta + 1.0 / s.theta, "amplitude_predicted": s.alpha * math.sqrt(w),
                "sigma_n": math.sqrt((1.0 - s.alpha**2) * (1.0 - w) / s.n)}

    def _trial(self, s: _Setup, inst: Instance, *, max_steps: int, tol: float) -> tuple[dict[str, np.ndarray], dict]:
        if s.method == "ode":
            return _ode_trial(s, inst), {}
        if s.method == "eigh":
            st = eigh_dynamics(inst.Y, inst.x0, inst.x, s.prop, overwrite=True)
        elif s.method == "lanczos":
            st = lanczos_dynamics(inst.Y, inst.x0, inst.x, s.prop, tol=tol, max_steps=max_steps)
        elif s.method == "expm":
            st = dense_dynamics(inst.Y, inst.x0, inst.x, s.prop)
        else:
            st = iterate_gd(inst.Y, inst.x0, inst.x, s.prop)
        return _observables(s, st), st.diagnostics


def _observables(s: _Setup, st: SymmetricTrajectory) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for o in s.observables:
        if o == "m":
            out[o] = st.n / np.sqrt(st.q)
        elif o == "energy":
            out[o] = s.x_scale * st.energy / st.q
        elif o == "N":
            out[o] = unscale(st.n, st.log_scale, 1)
        elif o == "Q":
            out[o] = unscale(st.q, st.log_scale, 2)
        else:  # pragma: no cover - plan() validated the names
            raise ParameterError(f"unknown observable {o}")
    return out


def _ode_trial(s: _Setup, inst: Instance) -> dict[str, np.ndarray]:
    """Integrate the sphere ODE ``x' = Yx - (x^T Y x) x`` with DOP853 at rtol 1e-12 (independent cross-check).

    ``N`` and ``Q`` are recovered from ``d log|y|/dt = x^T Y x`` (the norm of the linear flow)."""
    from scipy.integrate import solve_ivp

    Y = inst.Y
    n = Y.shape[0]

    def rhs(_t: float, w: np.ndarray) -> np.ndarray:
        xv = w[:n]
        yx = Y @ xv
        e = xv @ yx
        return np.concatenate([yx - e * xv, [e]])

    times = np.asarray(s.prop.times)
    order = np.unique(times)
    w0 = np.concatenate([inst.x0, [0.0]])
    if order[-1] > 0:
        sol = solve_ivp(rhs, (0.0, float(order[-1])), w0, method="DOP853", t_eval=order, rtol=1e-12, atol=1e-14)
        if not sol.success:  # pragma: no cover
            raise ParameterError(f"the ODE integration failed: {sol.message}")
        W = sol.y.T
    else:
        W = w0[None, :]
    W = W[np.searchsorted(order, times)]
    X, logy = W[:, :n], W[:, n]
    nx = np.linalg.norm(X, axis=1)
    m = (X @ inst.x) / nx
    out: dict[str, np.ndarray] = {}
    for o in s.observables:
        if o == "m":
            out[o] = m
        elif o == "energy":
            out[o] = s.x_scale * np.einsum("ti,ij,tj->t", X, Y, X) / nx**2
        elif o == "N":
            out[o] = unscale(m, logy, 1)
        elif o == "Q":
            out[o] = unscale(np.ones_like(logy), logy, 2)
    return out


