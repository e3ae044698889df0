"""The staircase figure and the report's own sections of the matrix-sensing model.

:func:`staircase` simulates one trial on a dense grid of steps and draws, against the
step count (or time): the eigenvalues of ``UU^T`` and the loss on log axes and the
effective rank, each with the theory of that trial (:class:`.conditional.InstanceTheory`:
the linear phase, the plateau values ``Z_s`` and, under full observation, the scalar-map
trajectories ``lambda <- lambda (1 + mu (sigma_k - lambda))^2`` from ``alpha^2 c_k``), the
predicted learning steps as vertical lines and the simulated ones as markers.

:func:`report_sections` adds to ``symdyn report matrix-sensing``: the learning steps
(predicted, simulated and the approximations), the staircase figure, and one run with
``m`` Gaussian measurements (the GLRL race against simulation, the plateaus at ``Z_s``
against the truncations) with its own staircase figure.
"""

from __future__ import annotations

import math
import time as _time
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from ... import tex as ltx
from .conditional import InstanceTheory
from .instance import init_constants
from .presets import PRESETS

__all__ = ["staircase", "report_sections", "SENSING_M"]

#: Measurements of the report's run with sensing (the preset staircase-sensing).
SENSING_M = int(PRESETS["staircase-sensing"].params["m"])
_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")


def _grid(can, horizon: float, points: int) -> list[str]:
    if can.gd:
        return [str(int(k)) for k in np.unique(np.round(np.linspace(0, horizon, points)).astype(int))]
    return [f"{t:.6g}" for t in np.linspace(0.0, horizon, points)]


def _scalar_maps(can, grid: np.ndarray) -> np.ndarray:
    """``lambda_k(n)`` of the scalar map from ``alpha^2 c_k`` (full observation, GD), shape (L, len(grid))."""
    s = can.setting
    mu = float(can.mu)
    c = init_constants(s.d, s.r, s.r_star, s.init_seed, dps=20).values
    n_max = int(grid[-1])
    out = np.empty((s.learnable, grid.size))
    for k in range(s.learnable):
        sig = float(s.sigma[k])
        lam = float(s.alpha) ** 2 * float(c[k])
        path = np.empty(n_max + 1)
        for n in range(n_max + 1):
            path[n] = lam
            f = 1 + mu * (sig - lam)
            lam = lam * f * f
        out[k] = path[grid.astype(int)]
    return out


def staircase(model, params, *, horizon: float | None = None, points: int = 400, seed: int = 0,
              title: str = "") -> tuple[Figure, dict[str, Any]]:
    """The staircase figure of one simulated trial with its theory (see the module docstring).

    Returns the figure and the data drawn (``steps``, ``simulated``, ``predicted``,
    ``values``) for tables.
    """
    can = model.canonical(params)
    s = can.setting
    if horizon is None:
        raise ValueError("give the horizon (steps or time) of the staircase")
    grid = _grid(can, float(horizon), points)
    sim = model.simulator().run(params, grid, trials=1, seed=seed,
                                observables=[f"lambda_{i + 1}" for i in range(s.r)] + ["loss", "erank"])
    theory = InstanceTheory(can, sim.instances[0].operator)
    t = np.array([float(x) for x in grid])
    units = t if can.gd else t * float(s.rate)
    preds = [theory.predict(u) for u in units]
    predicted = theory.events(float(horizon))
    simulated = {k: float(v[0]) for k, v in sim.events.items()}

    def theory_of(name: str) -> np.ndarray:
        return np.array([np.nan if p is None else p[name] for p in preds])

    fig = Figure(figsize=(7.0, 8.6))
    ax_l, ax_f, ax_e = fig.subplots(3, 1, sharex=True)
    xlabel = "gradient-descent step $n$" if can.gd else "time $t$"
    for i in range(s.r):
        col = _COLORS[i % len(_COLORS)]
        lam = sim.values[f"lambda_{i + 1}"][0]
        ax_l.plot(t, lam, color=col, lw=1.4, label=f"$\\lambda_{{{i + 1}}}$ simulation" if i < 4 else None)
        ax_l.plot(t, theory_of(f"lambda_{i + 1}"), color="black", lw=2.6, alpha=0.35, ls="-",
                  label="theory: linear phase and plateaus" if i == 0 else None, zorder=0)
    if can.gd and not can.sensing:
        for k, path in enumerate(_scalar_maps(can, t)):
            ax_l.plot(t, path, color="black", lw=0.8, ls=(0, (1, 2)),
                      label="scalar maps from $\\alpha^2 c_k$" if k == 0 else None)
    for k in range(s.learnable):
        ax_l.axhline(float(s.level * s.sigma[k]), color=_COLORS[k % len(_COLORS)], lw=0.6, ls=":")
    ax_l.set_yscale("log")
    lo = max(1e-300, float(np.nanmin([sim.values[f"lambda_{i + 1}"][0].min() for i in range(s.r)])) / 3)
    ax_l.set_ylim(lo, float(s.sigma[0]) * 3)
    ax_l.set_ylabel(r"eigenvalues of $UU^\top$")
    loss = sim.values["loss"][0]
    ax_f.plot(t, loss, color=_COLORS[0], lw=1.4, label="loss simulation")
    ax_f.plot(t, theory_of("loss"), color="black", lw=2.6, alpha=0.35,
              label="theory: $f$ of the linear phase, $f(Z_s)$ on the plateaus")
    ax_f.set_yscale("log")
    ax_f.set_ylim(float(np.min(loss[loss > 0])) / 3, float(np.max(loss)) * 3)
    ax_f.set_ylabel("loss $f(U)$")
    ax_e.plot(t, sim.values["erank"][0], color=_COLORS[0], lw=1.4, label="effective rank simulation")
    ax_e.plot(t, theory_of("erank"), color="black", lw=2.6, alpha=0.35, label="theory")
    ax_e.set_ylabel(r"$\mathrm{erank}(UU^\top)$")
    ax_e.set_xlabel(xlabel)
    for k in range(1, s.r_star + 1):
        p, q = predicted.get(f"learning_step_{k}", math.nan), simulated.get(f"learning_step_{k}", math.nan)
        col = _COLORS[(k - 1) % len(_COLORS)]
        for ax in (ax_l, ax_f, ax_e):
            if math.isfinite(p):
                ax.axvline(p, color=col, lw=0.9, ls="--", label=f"predicted $n_{{{k}}}$" if ax is ax_l else None)
        if math.isfinite(q):
            ax_l.plot([q], [float(s.level * s.sigma[k - 1])], "o", mfc="none", mec=col, ms=7, mew=1.5,
                      label=f"simulated $n_{{{k}}}$")
    for ax in (ax_l, ax_f, ax_e):
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=6.5, loc="best", framealpha=0.85, ncol=2 if ax is ax_l else 1)
    fig.suptitle(title or "the staircase", fontsize=9)
    fig.tight_layout()
    return fig, {"steps": t, "simulated": simulated, "predicted": predicted, "simulation": sim, "theory": theory}


# ----------------------------------------------------------------------------- report


def _fmt(x: float, digits: int = 6) -> str:
    if x is None or not math.isfinite(x):
        return "$\\infty$" if x == math.inf else "--"
    if float(x) == int(x) and abs(x) < 1e15:
        return f"${int(x)}$"
    return ltx.number(float(x), digits)


def _steps_section(model, ctx) -> ltx.Section:
    p = ctx.params
    can = model.canonical(p)
    res = ctx.check
    rows = []
    simulated = {r.observable: r.mean for r in res.event_rows} if res is not None else {}
    for k in range(1, can.setting.r_star + 1):
        q = model.boundary("learning-time", p.replace(k=k), dps=20)
        approx = {a.name: a.values for a in q.approximations}
        key = "step" if can.gd else "time"
        flow = approx.get("flow" if can.gd else "alpha->0", {}).get(key)
        mod = approx.get("modified-equation", {}).get(key)
        lead = approx.get("leading", {}).get(key)
        rows.append([f"${k}$", _fmt(q.value, 10), _fmt(simulated.get(f"learning_step_{k}"), 10),
                     _fmt(flow, 8), _fmt(mod, 8), _fmt(lead, 8)])
    what = "gradient-descent step" if can.gd else "time"
    head = ["$k$", "predicted", "simulated", "flow $t_k/\\eta$" if can.gd else "$\\alpha\\to0$ formula",
            "modified eq.", "leading"]
    body = [f"The learning {what} of component $k$ is the first {what} with $\\lambda_k(UU^\\top) \\ge "
            "\\theta\\sigma_k$ (Table~\\ref{tab:learning-steps}). Predicted: " + (
            "the exact hitting step of the scalar map $\\lambda \\mapsto \\lambda(1 + \\mu(\\sigma_k - \\lambda))^2$ "
            "from $\\alpha^2 c_k$ ($\\mu = 4 s \\eta$); the flow estimate $t_k/\\eta$, the modified-equation count "
            "$T/\\mu + \\frac12\\log(g(w_1)/g(w_0))$ and the leading order $\\log(1/\\alpha)/(\\mu\\sigma_k)$ for "
            "comparison." if can.gd else
            "the exact first root of the Riccati closed form, with the $\\alpha\\to0$ formula "
            "$\\log(\\theta\\sigma_k/((1-\\theta)\\alpha^2 c_k))/(2\\sigma_k)$ (error $O(\\alpha^{2\\gamma_k})$)."),
            ltx.table(head, rows, "rrrrrr", _caption("tab:learning-steps", f"learning {what}s: predicted (exact), "
                                                     "simulated, and the approximations.")),
            ]
    return ltx.Section("Learning steps", "\n\n".join(body))


def _caption(label: str, text: str) -> str:
    """A numbered table caption with its label (the report's tables are captioned the same way)."""
    return f"\\refstepcounter{{table}}\\label{{{label}}}Table~\\thetable: {text}"


def _figure_section(model, params, ctx, name: str, title: str, caption: str, horizon: float) -> tuple[str, dict]:
    from ...plot import save

    fig, data = staircase(model, params, horizon=horizon, seed=ctx.settings["seed"], title=title)
    path = save(fig, ctx.out / f"{name}.png")
    ctx.figures[name] = path
    return ltx.figure(path.name, caption, label=f"fig:{name}"), data


def _sensing_params(model, params):
    from ...errors import SymdynError

    can = model.canonical(params)
    if can.sensing or not can.gd or can.setting.d > 40:
        return None
    try:
        return params.replace(m=SENSING_M)
    except SymdynError:  # pragma: no cover
        return None


def report_sections(model, ctx) -> list[ltx.Section]:
    """Extra sections of ``symdyn report matrix-sensing`` (see the module docstring)."""
    from ...check import check
    from ...report import check_summary_tex

    p = ctx.params
    can = model.canonical(p)
    horizon = max(float(t) for t in ctx.settings["times"])
    out = []
    t0 = _time.perf_counter()
    if ctx.check is not None:
        out.append(_steps_section(model, ctx))
    fig, _ = _figure_section(
        model, p, ctx, "staircase", "full observation" if not can.sensing else f"$m = {can.m}$ measurements",
        "The staircase: eigenvalues of $UU^\\top$ and the loss (log axes) and the effective rank against "
        + ("the GD step" if can.gd else "time") + " (coloured lines: simulation; thick grey: the theory of this "
        "instance, the linear phase and the plateaus, absent inside transitions"
        + ("; black dotted: the scalar maps from $\\alpha^2 c_k$" if can.gd and not can.sensing else "")
        + "); vertical dashed lines: predicted learning steps; circles: simulated learning steps on the "
          "levels $\\theta\\sigma_k$ (dotted).", horizon)
    gd = "gradient-descent step" if can.gd else "time"
    out.append(ltx.Section("The staircase", (
        f"Figure~\\ref{{fig:staircase}} follows one trial {gd} by {gd}: the eigenvalues of $UU^\\top$ stay near "
        "the small initialization, grow one at a time to $\\sigma_k$ with plateaus in between, and the loss "
        "descends a staircase of plateau values (Table~\\ref{tab:learning-steps} lists the learning steps).\n\n"
        if ctx.check is not None else
        f"Figure~\\ref{{fig:staircase}} follows one trial {gd} by {gd}.\n\n") + fig))
    ctx.timings["staircase"] = _time.perf_counter() - t0
    sp = _sensing_params(model, p)
    if sp is not None:
        t0 = _time.perf_counter()
        res = check(model, sp, seeds=1, times=ctx.settings["times"], seed=ctx.settings["seed"], dps=ctx.settings["dps"])
        fig, data = _figure_section(
            model, sp, ctx, "staircase-sensing", f"$m = {SENSING_M}$ symmetric Gaussian measurements",
            f"The staircase of one trial with $m = {SENSING_M}$ measurements (the same instance $\\bar U$): "
            "thick grey, the theory of this trial's operator (linear phase $(I + \\mu A^*A(X^*))^n U_0$ and the "
            "sensing minimizers $Z_s$); vertical lines: the learning steps of the greedy low-rank race.", horizon)
        theory = data["theory"]
        scalar = theory.race.scalar_steps if theory.race is not None else ()
        full = {r.observable: r.mean for r in ctx.check.event_rows} if ctx.check is not None else {}
        rows = []
        for r in res.event_rows:
            k = int(r.observable.rpartition("_")[2])
            pred = float(r.theory) if r.theory is not None else math.nan
            spec_race = scalar[k - 1] if k <= len(scalar) else math.nan

            def pct(x: float) -> str:
                return "--" if not (math.isfinite(x) and math.isfinite(r.mean)) else f"${100 * (x - r.mean) / r.mean:+.2f}$"

            rows.append([str(k), _fmt(r.mean, 8), _fmt(pred, 7), pct(pred), _fmt(spec_race, 7), pct(spec_race),
                         _fmt(full.get(r.observable, math.nan), 8),
                         "rejected" if r.rejected else ("passed" if r.tested else "excluded")])
        plateau = []
        for j, pl in enumerate(theory.plateaus[1:], 1):
            plateau.append([str(j), _fmt(pl["loss"], 8), _fmt(pl["truncation_distance"], 4),
                            _fmt(float(sp.values["loss_scale"]) * float(sum(x * x for x in can.setting.sigma[j:])), 8)])
        body = [f"The same instance with $m = {SENSING_M}$ measurements $A_i = (G_i + G_i^\\top)/2$, drawn from the "
                f"trial's seed stream (trial 0 of root seed {ctx.settings['seed']}; Figure~\\ref{{fig:staircase-sensing}}): "
                + check_summary_tex(model, res) + ".",
                "Table~\\ref{tab:sensing-steps} compares the learning steps of the simulated gradient descent with "
                "the greedy low-rank race on the trial's operator (the matrix race, compared with tolerance 1\\% + 1 "
                "step) and with the spec's scalar race (one log-magnitude per component at the sorted rates "
                "$\\rho_k^{(j)}$), in percent of the simulated step; the last columns give the simulated step under "
                "full observation and the verdict of the row.",
                ltx.table(["$k$", "simulated", "matrix race", "\\%", "scalar race", "\\%", "full obs.", "row"],
                          rows, "rrrrrrrl", _caption("tab:sensing-steps", f"learning steps with $m = {SENSING_M}$ "
                                                     "measurements.")),
                "Table~\\ref{tab:sensing-plateaus} lists the plateaus: the sensing minimizers $Z_s$ (Newton's method "
                "on $U$, residual below $10^{-12}$), their loss $f(Z_s)$ and their distance to the top-$s$ "
                "truncation $X^*_s$ (the $O(\\delta)$ shift that the check's rows of "
                "$\\|UU^\\top - X^*_s\\|_F$ test, with tolerance 10\\%), next to the full-observation plateau loss.",
                ltx.table(["$s$", "$f(Z_s)$", "$\\|Z_s - X^*_s\\|_F$", "full observation"], plateau, "rrrr",
                          _caption("tab:sensing-plateaus", "plateaus under sensing and under full observation.")),
                fig]
        out.append(ltx.Section(f"A run with $m = {SENSING_M}$ measurements", "\n\n".join(body)))
        ctx.timings["sensing run"] = _time.perf_counter() - t0
        ctx.notes.append(f"sensing run (m = {SENSING_M}): {res.summary()}")
    return out
