r"""The deep-factorization report's own sections and figures (``Model.report_sections``).

Given the report's parameters (the built-in example: a noiseless rank-3 target, GD), the sections are:

1. *The low-rank intervals*: ``T0(k)``, ``T1(k)``, the length and the condition for every ``k`` (exact step
   counts, the modified-equation estimates, the flow-time asymptotics), and the eigenvalue trajectories
   (theory and full-matrix GD) with every interval ``[T0(k), T1(k))`` shaded.
2. *The perturbed target*: the same with ``||E|| = noise`` (``1/20`` for a noiseless example), checked against
   the simulation (endpoints, Weyl sandwich, early-stopping rows), the trajectories with ``[T0~(k), T1~(k))``
   shaded and the Weyl bounds drawn, and the error ``||W_n - W*||_F`` with its early-stopping optimum.
3. *A phase diagram* of the flow-time interval length ``T1~(1) - T0~(1)`` over ``(alpha, ||E||)`` for the
   seeded direction of ``E``, the region where the interval is empty shaded, and the Weyl bound: the largest
   ``||E||`` for which the Weyl sandwich guarantees a nonempty interval for *every* ``E`` of that norm.
4. *The arora2019 preset* on the kind of plot of Arora et al. (2019): the top singular values of the product
   over GD steps, with the predicted ``[T0(k), T1(k))`` for ``k = 1..5`` and the simulated endpoints.

Figures are :class:`matplotlib.figure.Figure` objects (no pyplot), written into the report directory.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import mpmath as mp
import numpy as np
import sympy as sp
from matplotlib.figure import Figure

from ... import tex as ltx
from ...check import observable_tex
from ...errors import SymdynError
from . import interval as iv
from . import perturbation as pt
from .canonical import canonical
from .simulation import run_gd

__all__ = ["report_sections", "trajectory_figure", "phase_diagram", "arora_figure"]

_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
PERTURBED_NOISE = sp.Rational(1, 20)


def _given(params: Any) -> dict[str, str]:
    return {k: v for k, v in params.to_json().items() if k in params.given}


def _num(x: Any, digits: int = 6) -> str:
    if x is None:
        return "--"
    if isinstance(x, (int, np.integer)):
        return f"${int(x)}$"
    if isinstance(x, mp.mpf) and mp.isinf(x) or isinstance(x, float) and math.isinf(x):
        return r"$\infty$"
    return ltx.number(x, digits)


def _int_or_inf(x: Any) -> float:
    return float("inf") if (isinstance(x, mp.mpf) and mp.isinf(x)) else float(x)


# ----------------------------------------------------------------------------- figures


def trajectory_figure(steps: Sequence[int], theory: dict[str, Sequence[float]], sim: dict[str, np.ndarray],
                      intervals: Sequence[tuple[int, float, float]], *, targets: Sequence[float], title: str,
                      weyl: Sequence[tuple[int, float, float]] = (), error: tuple[Any, ...] | None = None,
                      ylabel: str = r"eigenvalues $\lambda_i$ of $W = W_N\cdots W_1$") -> Figure:
    """Eigenvalue trajectories (theory lines, simulation dots) with ``[T0(k), T1(k))`` shaded per ``k``.

    ``weyl``: ``(k, T0_upper, T1_lower)`` drawn as dashed (upper bound of ``T0~``) and dotted (lower bound
    of ``T1~``) lines; ``error``: ``(steps, theory, sim_steps, sim, argmin, minimum, truncation)`` for a
    second panel with ``||W_n - W*||_F``.
    """
    rows = 2 if error is not None else 1
    fig = Figure(figsize=(7.0, 3.9 * rows + 0.4))
    axes = np.atleast_1d(fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0])
    ax = axes[0]
    x = np.asarray(steps, dtype=float)
    xmax = float(x.max())
    for k, a, b in intervals:
        col = _COLORS[(k - 1) % len(_COLORS)]
        hi = min(b, xmax * 1.02)
        if a < hi:
            for j, axx in enumerate(axes):
                axx.axvspan(a, hi, color=col, alpha=0.12, lw=0,
                            label=(f"rank-{k} interval $[\\tilde T_0({k}), \\tilde T_1({k}))$" if weyl else
                                   f"rank-{k} interval $[T_0({k}), T_1({k}))$") if j == 0 else None)
    for k, a, b in weyl:
        col = _COLORS[(k - 1) % len(_COLORS)]
        if math.isfinite(a) and a <= xmax * 1.02:
            ax.axvline(a, color=col, ls="--", lw=1.0, label=f"Weyl: $\\tilde T_0({k}) \\leq {a:.0f}$")
        if math.isfinite(b) and 0 < b <= xmax * 1.02:
            ax.axvline(b, color=col, ls=":", lw=1.2, label=f"Weyl: $\\tilde T_1({k}) \\geq {b:.0f}$")
    names = [n for n in theory if n.startswith("lambda_")]
    for j, name in enumerate(names):
        col = _COLORS[j % len(_COLORS)] if j < 6 else "0.55"
        ax.plot(x, theory[name], color=col, lw=1.4, label=("theory (exact recursion)" if j == 0 else None))
        if name in sim:
            sx, sv = sim[name]
            ax.plot(sx, sv, "o", ms=3.2, mfc="none", mec=col, mew=0.8, label=("full-matrix GD" if j == 0 else None))
    for v in targets:
        if v > 0:
            ax.axhline(v, color="0.6", lw=0.6, ls=":")
    ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.25)
    ax.legend(fontsize=6.5, loc="center right", ncol=2, framealpha=0.85)
    ax.set_title(title, fontsize=9)
    if error is not None:
        es, et, ss, sv, argmin, minimum, trunc = error
        ax2 = axes[1]
        ax2.plot(es, et, color="black", lw=1.3, label=r"theory $\|W_n - W^*\|_F$ (decoupled recursion)")
        ax2.plot(ss, sv, "o", ms=3.2, mfc="none", mec="black", mew=0.8, label="full-matrix GD")
        ax2.plot([argmin], [minimum], "*", ms=11, color=_COLORS[1], mec="black",
                 label=f"early-stopping optimum ${minimum:.4g}$ at $n = {argmin}$")
        ax2.axhline(trunc, color=_COLORS[2], ls="--", lw=1.0, label=rf"$\|\hat W_r - W^*\|_F = {trunc:.4g}$ (spec B8)")
        ax2.set_ylabel(r"$\|W_n - W^*\|_F$")
        ax2.set_yscale("log")
        ax2.grid(True, alpha=0.25)
        ax2.legend(fontsize=6.5, loc="upper right", framealpha=0.85)
    axes[-1].set_xlabel("gradient-descent step $n$")
    axes[-1].set_xlim(0, xmax * 1.02)
    fig.tight_layout()
    return fig


def phase_diagram(alphas: Sequence[float], noises: Sequence[float], lengths: Sequence[tuple[str, np.ndarray]],
                  weyl: Sequence[float], *, title: str) -> Figure:
    """``log10`` of the interval length over ``(alpha, ||E||)`` (one panel per direction of ``E``), the empty
    region shaded, the region where ``T1 = inf`` by convention hatched, the Weyl bound (the largest guaranteed
    ``||E||``) drawn."""
    fig = Figure(figsize=(11.0, 4.6))
    axes = fig.subplots(1, len(lengths), sharey=True)
    axes = np.atleast_1d(axes)
    A, E = np.meshgrid(np.asarray(alphas, float), np.asarray(noises, float), indexing="xy")
    finite = [np.asarray(L, float)[np.isfinite(L) & (np.asarray(L, float) > 0)] for _, L in lengths]
    vals = np.concatenate([np.log10(f) for f in finite if f.size]) if any(f.size for f in finite) else np.zeros(1)
    vmin, vmax = float(vals.min()), float(vals.max())
    for ax, (label, L) in zip(axes, lengths):
        L = np.asarray(L, float)
        ok = np.isfinite(L) & (L > 0)
        pos = np.where(ok, np.log10(np.where(ok, L, 1.0)), np.nan)
        mesh = ax.pcolormesh(A, E, pos, shading="nearest", cmap="viridis", vmin=vmin, vmax=vmax)
        ax.pcolormesh(A, E, np.where(L <= 0, 1.0, np.nan), shading="nearest", cmap="Greys", vmin=0, vmax=1.6,
                      alpha=0.9)
        ax.pcolormesh(A, E, np.where(np.isinf(L), 1.0, np.nan), shading="nearest", cmap="Oranges", vmin=0, vmax=3,
                      alpha=0.6)
        ax.plot(alphas, weyl, color="white", lw=2.6)
        ax.plot(alphas, weyl, color="black", lw=1.4, marker="o", ms=3,
                label=r"Weyl bound: nonempty for every $E$ with $\|E\|$ below")
        ax.plot([], [], color="0.45", lw=6, alpha=0.9, label="interval empty (condition fails)")
        ax.plot([], [], color="#fdae6b", lw=6,
                label=r"$T_1 = \infty$ by convention ($\lambda_0 \geq \varepsilon\hat\lambda_2$)")
        ax.set_xscale("log")
        ax.set_xlabel(r"$\alpha$ (initial scale per layer)")
        ax.set_ylim(min(noises), max(noises))
        ax.set_title(label, fontsize=8.5)
        ax.legend(fontsize=6.5, loc="lower left", framealpha=0.9)
    axes[0].set_ylabel(r"$\|E\|$")
    fig.colorbar(mesh, ax=list(axes), label=r"$\log_{10}(\tilde T_1(1) - \tilde T_0(1))$ (flow time)")
    fig.suptitle(title, fontsize=9)
    return fig


def arora_figure(steps: np.ndarray, singular: np.ndarray, intervals: Sequence[tuple[int, float, float]],
                 measured: Sequence[tuple[int, float, float]], *, title: str, top: int = 6) -> Figure:
    """Top singular values of the product over GD steps (Arora et al.'s kind of plot) with the predicted
    ``[T0(k), T1(k))`` shaded and the simulated endpoints marked."""
    fig = Figure(figsize=(7.0, 4.3))
    ax = fig.subplots()
    xmax = float(steps.max())
    for k, a, b in intervals:
        col = _COLORS[(k - 1) % len(_COLORS)]
        ax.axvspan(a, min(b, xmax), color=col, alpha=0.14, lw=0,
                   label=f"predicted $[T_0({k}), T_1({k})) = [{a:.0f}, "
                   + ("\\infty" if math.isinf(b) else f"{b:.0f}") + ")$")
    for k, a, b in measured:
        col = _COLORS[(k - 1) % len(_COLORS)]
        ax.axvline(a, color=col, lw=0.9, ls="-")
        if math.isfinite(b) and b <= xmax:
            ax.axvline(b, color=col, lw=0.9, ls="--")
    for j in range(min(top, singular.shape[1])):
        ax.plot(steps, singular[:, j], color="black" if j < 5 else "0.55", lw=1.3 if j < 5 else 1.0)
    ax.plot([], [], color="black", lw=1.3, label="top singular values (full-matrix GD)")
    ax.plot([], [], color="0.3", lw=0.9, label="simulated $T_0(k)$ (solid), $T_1(k)$ (dashed)")
    ax.set_xlabel("gradient-descent step $n$")
    ax.set_ylabel("singular values of $W_N \\cdots W_1$")
    ax.set_xlim(0, xmax)
    ax.grid(True, alpha=0.25)
    ax.legend(fontsize=6.5, loc="center right", framealpha=0.9)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


# ----------------------------------------------------------------------------- the sections


def _dense(n_max: int, points: int = 120) -> list[int]:
    return sorted(set(int(v) for v in np.round(np.linspace(0, n_max, points))))


def _intervals(model, params, r: int, dps: int = 20) -> list[tuple[int, Any, Any, Any]]:
    out = []
    for k in range(1, r + 1):
        q = params.replace(k=sp.Integer(k))
        a, b = model.boundary("T0", q, dps=dps), model.boundary("T1", q, dps=dps)
        out.append((k, a, b))
    return out


def _interval_table(model, params, r: int) -> tuple[str, list[tuple[int, float, float]], float]:
    """The table of T0(k), T1(k) (steps: exact and modified-equation; flow: asymptotic length) for k = 1..r."""
    rows, spans, last = [], [], 0.0
    flow = params.replace(eta=None) if params.get("eta") is not None else None
    for k, a, b in _intervals(model, params, r):
        me0 = next((x.values["T0"] for x in a.approximations if x.name == "modified-equation"), None)
        me1 = next((x.values["T1"] for x in b.approximations if x.name == "modified-equation"), None)
        qk = params.replace(k=sp.Integer(k))
        cond = model.boundary("condition", qk, dps=20)
        cells = [f"${k}$", _num(int(a.value)), _num(me0), _num(b.value if mp.isinf(b.value) else int(b.value)),
                 _num(me1), "yes" if cond.values["nonempty"] == 1 else "no"]
        if flow is not None:
            fl = model.boundary("interval-length", _without_eta(model, qk), dps=20)
            asym = next((x.values["length"] for x in fl.approximations if x.name == "asymptotic"), None)
            cells += [_num(fl.value, 8), _num(asym, 8)]
        rows.append(cells)
        spans.append((k, float(a.value), _int_or_inf(b.value)))
        last = max(last, float(a.value), 0 if mp.isinf(b.value) else float(b.value))
    head = ["$k$", "$T_0(k)$", "mod.\\ eq.", "$T_1(k)$", "mod.\\ eq.", "nonempty"]
    if flow is not None:
        head += ["flow $T_1 - T_0$", "asymptotic"]
    table = ltx.table(head, rows, "r" * len(head),
                      "\\refstepcounter{table}\\label{tab:deep-intervals}Table~\\thetable: "
                      "exact first-hitting GD steps of the scalar recursion (proved counts), the modified-equation "
                      "estimates $\\lceil T/\\eta + \\frac12\\log(g(w_1)/g(w_0))\\rceil$, and, for the gradient flow "
                      "(no $\\eta$), the exact interval length in flow time against its $\\alpha \\to 0$ expansion "
                      "(error $O(\\alpha^2)$).")
    return table, spans, last


def _without_eta(model, params):
    given = _given(params)
    given.pop("eta", None)
    given.pop("gd_theory", None)
    return model.params(**given)


def _simulate_dense(model, params, steps: Sequence[int], observables: Sequence[str]):
    sim = model.simulator().run(params, [str(s) for s in steps], trials=1, observables=list(observables))
    return sim


def _theory(model, params, steps: Sequence[int], observables: Sequence[str]) -> dict[str, list[float]]:
    p = params.replace(gd_theory="recursion")
    tr = model.evaluate(p, [str(s) for s in steps], dps=15, observables=list(observables))
    return {o: [float(v) for v in tr[o]] for o in observables}


def _noiseless_section(model, ctx, params) -> ltx.Section:
    can = canonical(params, need=("N", "sigma", "init"))
    r, d = can.r, can.d
    table, spans, last = _interval_table(model, params, r)
    n_max = int(max(last * 1.25, 50))
    steps = _dense(n_max)
    obs = [f"lambda_{i}" for i in range(1, min(d, r + 2) + 1)]
    theory = _theory(model, params, steps, obs)
    sim = _simulate_dense(model, params, steps[::3], obs)
    simd = {o: (np.array([float(t) for t in sim.times]), sim.values[o][0]) for o in obs}
    fig = trajectory_figure(steps, theory, simd, spans, targets=[float(v) for v in can.lam_hat[:r + 1]],
                            title=f"$N = {can.N}$, $\\sigma = ({', '.join(str(v) for v in can.sigma)})$, $d = {d}$, "
                                  f"$\\alpha = {can.alpha}$, $\\eta = {can.eta}$, $\\varepsilon = {can.eps_learn}$")
    path = ctx.out / "deep-intervals.png"
    fig.savefig(path, dpi=150, bbox_inches="tight")
    ctx.figures["deep-intervals"] = path
    body = [("Every eigenvalue of the product follows its own scalar recursion (the layers stay equal "
             "polynomials in $\\hat W$), so the low-rank intervals $[T_0(k), T_1(k))$ are exact step counts. "
             "On $[T_0(k), T_1(k))$ the top $k$ eigenvalues are within $\\varepsilon$ of their targets and the "
             "others below $\\varepsilon\\,\\hat\\lambda_{k+1}$. Table~\\ref{tab:deep-intervals} lists them and "
             "Figure~\\ref{fig:deep-intervals} shades them on the trajectories."),
            table,
            ltx.figure(path.name, "Eigenvalues of the product over gradient-descent steps: the exact recursion "
                                  "(lines) and full-matrix gradient descent (circles, every third point), with the "
                                  "rank-$k$ intervals $[T_0(k), T_1(k))$ shaded (the last one extends to infinity); "
                                  "dotted lines: the targets.", label="fig:deep-intervals")]
    return ltx.Section("The low-rank intervals", "\n\n".join(body))


def _perturbed_section(model, ctx, params) -> ltx.Section:
    from ...check import check
    from ...report import check_summary_tex

    base = _given(params)
    noise = params["noise"] if params["noise"] != 0 else PERTURBED_NOISE
    base.update(noise=str(noise))
    base.pop("lam_hat", None)
    base.setdefault("noise_seed", "0")
    pp = model.params(**base)
    can = canonical(pp, need=("N", "sigma", "init"))
    r, d = can.r, can.d
    spans = []
    last = 0.0
    weyl = []
    rows = []
    for k, a, b in _intervals(model, pp, r):
        w = model.boundary("weyl-interval", pp.replace(k=sp.Integer(k)), dps=20)
        t0u, t1l = _int_or_inf(w.values["T0_upper"]), _int_or_inf(w.values["T1_lower"])
        weyl.append((k, t0u, t1l))
        spans.append((k, float(a.value), _int_or_inf(b.value)))
        last = max(last, float(a.value), t0u)
        rows.append([f"${k}$", _num(int(a.value)), _num(t0u), _num(_int_or_inf(b.value)), _num(t1l),
                     "yes" if w.values["nonempty"] == 1 else "no"])
    es = model.boundary("early-stopping", pp, dps=20) if _has_optimum(pp, model) else None
    if es is not None:
        last = max(last, float(es.values["argmin"]))
    n_max = int(max(last * 1.3, 50))
    steps = _dense(n_max)
    times = [str(t) for t in _dense(n_max, 7)]
    res = check(model, pp, seeds=1, times=times, dps=20)
    ctx.notes.append(f"perturbed example (noise={noise}): {res.summary()}")
    obs = [f"lambda_{i}" for i in range(1, min(d, r + 2) + 1)]
    theory = _theory(model, pp, steps, obs + ["error"])
    sim = _simulate_dense(model, pp, steps[::3], obs + ["error"])
    sx = np.array([float(t) for t in sim.times])
    simd = {o: (sx, sim.values[o][0]) for o in obs}
    error = None
    if es is not None:
        error = (np.asarray(steps, float), theory["error"], sx, sim.values["error"][0], int(es.values["argmin"]),
                 float(es.values["optimum"]), float(es.values["truncation"]))
    fig = trajectory_figure(steps, {o: theory[o] for o in obs}, simd, spans, weyl=weyl,
                            targets=[float(v) for v in can.lam_hat[:r + 1]], error=error,
                            title=f"perturbed: $\\|E\\| = {noise}$ (GOE direction, noise seed {pp['noise_seed']}), "
                                  f"$\\hat\\lambda = ({', '.join(f'{float(v):.4g}' for v in can.lam_hat[:r + 1])}, "
                                  "\\dots)$")
    path = ctx.out / "deep-perturbed.png"
    fig.savefig(path, dpi=150, bbox_inches="tight")
    ctx.figures["deep-perturbed"] = path
    ev = [row for row in res.rows if row.t is None]
    relation = {"==": "$=$", "<=": "$\\le$", ">=": "$\\ge$"}
    ev_rows = [["$" + observable_tex(model, row.observable) + "$", relation.get(row.relation, ltx.escape(row.relation)),
                _num(row.theory, 8), _num(row.mean, 8),
                _num(row.max_deviation, 3), "passed" if not row.rejected and row.tested else
                ("excluded" if not row.tested else r"\textbf{rejected}")] for row in ev]
    body = [
        (f"The same example with a seeded symmetric perturbation of norm $\\|E\\| = {sp.latex(noise)}$. The "
         "decoupling holds in the eigenbasis of $\\hat W = W^* + E$, so the endpoints $\\tilde T_0(k)$, "
         "$\\tilde T_1(k)$ are the exact step counts at the targets $\\hat\\lambda_i$; the Weyl sandwich bounds "
         "them for every $E$ of that norm (Table~\\ref{tab:deep-perturbed}, Figure~\\ref{fig:deep-perturbed})."),
        ltx.table(["$k$", "$\\tilde T_0(k)$", "Weyl: $\\tilde T_0 \\le$", "$\\tilde T_1(k)$", "Weyl: $\\tilde T_1 \\ge$",
                   "guaranteed"], rows, "rrrrrl",
                  "\\refstepcounter{table}\\label{tab:deep-perturbed}Table~\\thetable: exact perturbed endpoints "
                  "(gradient-descent steps) and the guaranteed bounds of the Weyl sandwich (comparison principle for "
                  "the recursion; \\emph{guaranteed} is the sufficient condition upper bound $<$ lower bound)."),
        "Check against full-matrix gradient descent (Table~\\ref{tab:deep-events} lists the scalar events): "
        + check_summary_tex(model, res) + ".",
        ltx.table(["event", "relation", "theory", "simulation", "excess", "verdict"], ev_rows, "llrrrl",
                  "\\refstepcounter{table}\\label{tab:deep-events}Table~\\thetable: the measured events against "
                  "the theory; a relation $\\le$ or $\\ge$ is a bound the simulation must respect (excess: by how much "
                  "it does not). Each value must lie within $a + r\\,|p|$ of its prediction $p$ with $a$, $r$ set per "
                  "event. The early-stopping rows compare the simulated minimum of $\\|W_n - W^*\\|_F$ with the "
                  "decoupled dynamics' minimum, not with the spec's $\\|\\hat W_r - W^*\\|_F$, which is not the "
                  "minimum (see the quantity early stopping)."),
        ltx.figure(path.name, "Top: eigenvalues with the perturbed intervals $[\\tilde T_0(k), \\tilde T_1(k))$ "
                              "shaded and the Weyl bounds (dashed: upper bound of $\\tilde T_0$, dotted: lower bound of "
                              "$\\tilde T_1$). Bottom: the error to the unperturbed target with its early-stopping "
                              "optimum (star) and the spec's value $\\|\\hat W_r - W^*\\|_F$.",
                   label="fig:deep-perturbed"),
    ]
    if es is not None:
        body.insert(2, (
            f"Early stopping: $\\min_n \\|W_n - W^*\\|_F = {float(es.values['optimum']):.6g}$ at "
            f"$n = {int(es.values['argmin'])}$, inside $[\\tilde T_0(r), \\tilde T_1(r)) = [{int(es.values['T0'])}, "
            f"{int(es.values['T1'])})$; $\\|\\hat W_r - W^*\\|_F = {float(es.values['truncation']):.6g}$ (the spec's B8 "
            "value, not the optimum)."))
    return ltx.Section("The perturbed target", "\n\n".join(body))


def _has_optimum(params, model) -> bool:
    try:
        return "min_error" in model.event_names(params)
    except SymdynError:
        return False


def _phase_section(model, ctx, params) -> ltx.Section:
    can = canonical(params, need=("N", "sigma", "init"))
    if can.r < 2:
        return ltx.Section("Phase diagram", "Not drawn: the target has rank 1 (no rank-1 interval with a finite end "
                                            "in the noiseless case).")
    N = can.N
    sig = can.sigma
    gap = sig[0] - sig[1]
    alphas = [float(a) for a in np.geomspace(1e-3 if N > 2 else 1e-8, 0.6, 13)]
    noises = [sp.Rational(j, 16) * gap for j in range(12)]   # up to 11/16 of the gap (they meet at 1/2)
    d, seed = can.d, int(params["noise_seed"])
    pad = tuple(sig) + (sp.Integer(0),) * (d - len(sig))
    spectra: dict[str, list[tuple]] = {"seeded": [], "closing": []}
    for e in noises:
        spectra["seeded"].append(tuple(pt.draw(sig, d, e, seed).lam_hat) if e != 0 else pad)
        closing = list(pad)
        closing[0], closing[1] = pad[0] - e, pad[1] + e
        spectra["closing"].append(tuple(sorted(closing, reverse=True)))
    lengths = []
    for key, label in (("seeded", f"$E = \\|E\\|\\,S/\\|S\\|$, $S$ the GOE draw of noise seed {seed}"),
                       ("closing", r"$E = \|E\|\,(e_2 e_2^\top - e_1 e_1^\top)$: the gap-closing direction")):
        L = np.full((len(noises), len(alphas)), np.nan)
        for j, a in enumerate(alphas):
            aq = sp.Rational(a).limit_denominator(10**9)
            for i, lam in enumerate(spectra[key]):
                if not lam[1] > 0:
                    continue
                st = iv.setting(lam, N, alpha=aq, eps_learn=can.eps_learn, eps_small=can.eps_small)
                v = iv.interval_length(st, 1, dps=15).value
                L[i, j] = float("inf") if mp.isinf(v) else float(v)
        lengths.append((label, L))
    noises = [float(e) for e in noises]
    gap = float(gap)
    weyl = []
    for a in alphas:
        aq = sp.Rational(a).limit_denominator(10**9)
        st_a = iv.setting(sig, N, alpha=aq, eps_learn=can.eps_learn, eps_small=can.eps_small)

        def ok(e: float) -> bool:
            return pt.weyl_interval(st_a, sp.Rational(e).limit_denominator(10**8), 1, dps=15).nonempty

        lo, hi = 0.0, gap / 2
        if not can.eps_small * sig[1] > aq ** N:   # T1 = inf by convention: no bound worth drawing
            weyl.append(np.nan)
            continue
        if not ok(lo):
            weyl.append(np.nan)
            continue
        for _ in range(14):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if ok(mid) else (lo, mid)
        weyl.append(lo)
    fig = phase_diagram(alphas, noises, lengths, weyl,
                        title=f"rank-1 interval of the flow: $N = {N}$, $\\sigma = ({', '.join(str(v) for v in sig)})$, "
                              f"$d = {d}$")
    path = ctx.out / "deep-phase.png"
    fig.savefig(path, dpi=150, bbox_inches="tight")
    ctx.figures["deep-phase"] = path
    body = ("The exact flow-time length $\\tilde T_1(1) - \\tilde T_0(1)$ of the rank-1 interval over the initial "
            "scale $\\alpha$ and $\\|E\\|$, for two directions of $E$: the seeded GOE direction $S$ (left) and the "
            "direction that closes the gap $\\sigma_1 - \\sigma_2$ (right; the two eigenvalues meet at "
            "$\\|E\\| = (\\sigma_1 - \\sigma_2)/2$). Grey: the interval is empty (the condition fails). Orange: "
            "$\\lambda_0 \\ge \\varepsilon\\hat\\lambda_2$, where $T_1 = \\infty$ by the spec's convention "
            "although the second eigenvalue starts above its level. Black line: the Weyl bound, the largest "
            "$\\|E\\|$ for which the Weyl sandwich guarantees $\\sup \\tilde T_0(1) < \\inf \\tilde T_1(1)$ over "
            "\\emph{every} symmetric $E$ of that norm (bisection on the guaranteed bounds); below it the interval "
            "is nonempty whatever the direction of $E$ (Figure~\\ref{fig:deep-phase}).\n\n"
            + ltx.figure(path.name, "Phase diagram of the rank-1 low-rank interval: $\\log_{10}$ of its length in "
                                    "flow time over the initial scale $\\alpha$ per layer and the norm $\\|E\\|$ of the "
                                    "perturbation, for the two directions of $E$.", "\\linewidth",
                         label="fig:deep-phase"))
    return ltx.Section("Phase diagram in the initialization and the perturbation", body)


def _arora_section(model, ctx) -> ltx.Section:
    from .presets import preset

    pre = preset("arora2019")
    p = model.params(preset="arora2019")
    can = canonical(p, need=("N", "sigma", "init"))
    r = can.r
    spans = []
    rows = []
    for k, a, b in _intervals(model, p, r):
        spans.append((k, float(a.value), _int_or_inf(b.value)))
    n_max = int(spans[-1][1] * 1.15)
    P = can.perturbation
    lam = np.array([float(v) for v in P.lam_hat])
    lev0, lev1 = float(1 - can.eps_learn), float(can.eps_small)
    levels = {i: [lev0] for i in range(1, r + 1)}
    for i in range(2, r + 1):
        levels[i].append(lev1)
    record = list(range(0, n_max + 1, 5))
    g = run_gd(P.target(), np.diag([float(v) for v in P.sigma_padded()]), can.N, float(can.lambda0) ** (1 / can.N),
               float(can.eta), n_max, record, Q=P.Q, lam=lam, levels=levels)
    measured = []
    for k in range(1, r + 1):
        t0 = max(g.hitting[(i, lev0)] for i in range(1, k + 1))
        t1 = g.hitting[(k + 1, lev1)] if k < r else float("inf")
        measured.append((k, float(t0), float(t1)))
        a, b = spans[k - 1][1], spans[k - 1][2]
        rows.append([f"${k}$", _num(int(a)), _num(int(t0)), _num(b if math.isinf(b) else int(b)),
                     _num(t1 if math.isinf(t1) else int(t1))])
    fig = arora_figure(g.steps, g.singular, spans, measured,
                       title=r"arora2019 preset: depth 3, identity initialization $10^{-3}$ (product), step "
                             r"$10^{-2}$, rank-5 target $(5, 4, 3, 2, 1)$, $d = 100$, full observation")
    path = ctx.out / "deep-arora2019.png"
    fig.savefig(path, dpi=150, bbox_inches="tight")
    ctx.figures["deep-arora2019"] = path
    notes = "; ".join(ltx.typeset(n) for n in pre.notes)
    body = [ltx.typeset(pre.description) + ". " + notes[0].upper() + notes[1:] + " (Table~\\ref{tab:deep-arora}, "
            "Figure~\\ref{fig:deep-arora2019}).",
            ltx.table(["$k$", "predicted $T_0(k)$", "simulated", "predicted $T_1(k)$", "simulated"], rows, "rrrrr",
                      "\\refstepcounter{table}\\label{tab:deep-arora}Table~\\thetable: predicted interval endpoints "
                      "(exact counts of the scalar recursion) against full-matrix gradient descent "
                      f"($d = 100$, {g.seconds:.1f}\\,s)."),
            ltx.figure(path.name, "Top singular values of the product over gradient-descent steps, the kind of plot "
                                  "of Arora et al. (2019), with the predicted rank-$k$ intervals $[T_0(k), T_1(k))$ "
                                  "shaded and the simulated endpoints (solid: $T_0(k)$, dashed: $T_1(k)$).",
                       label="fig:deep-arora2019")]
    return ltx.Section("The arora2019 preset", "\n\n".join(body))


def report_sections(model, ctx) -> list[ltx.Section]:
    """The model's sections of ``symdyn report`` (see the module docstring); a failing section becomes a note."""
    out = []
    p = ctx.params
    if p.get("eta") is None or "sigma" not in p:
        ctx.notes.append("deep-factorization sections need sigma and eta (GD): skipped")
        return out
    noiseless = model.params(**{**{k: v for k, v in _given(p).items() if k not in ("noise", "lam_hat",
                                                                                      "noise_seed")}})
    for build in (lambda: _noiseless_section(model, ctx, noiseless), lambda: _perturbed_section(model, ctx, p),
                  lambda: _phase_section(model, ctx, noiseless), lambda: _arora_section(model, ctx)):
        try:
            out.append(build())
        except SymdynError as exc:
            ctx.notes.append(f"a deep-factorization section was skipped: {exc}")
    return out
