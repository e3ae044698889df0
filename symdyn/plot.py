"""Figures of checks: theory curves with simulation means, convergence in n, the sign risk.

Every function returns ``(fig, ax)`` (``ax`` is an array of axes when a figure
has several panels).  Figures are :class:`matplotlib.figure.Figure` objects
drawn with the Agg canvas: nothing here imports ``pyplot`` or changes
matplotlib's global state (backend, rcParams), so plotting is safe in servers,
tests and notebooks alike.  Save with ``fig.savefig(path)`` or :func:`save`.

>>> import numpy as np
>>> from symdyn.plot import plot_power_law
>>> fig, ax = plot_power_law([250, 500, 1000], [0.02, 0.014, 0.01], [0.001, 0.0007, 0.0005])
>>> ax.get_xscale(), ax.get_yscale()
('log', 'log')
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
from matplotlib.figure import Figure

from .errors import SymdynError

if TYPE_CHECKING:  # pragma: no cover
    from .check import CheckResult, ConvergenceResult
    from .models.base import Model
    from .params import Params
    from .results import Trajectory

__all__ = ["theory_curve", "plot_check", "plot_convergence", "plot_power_law", "plot_sign", "save", "panels"]

_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf")
_Z95 = 1.959963984540054


def save(fig: Figure, path: str | Path, *, dpi: int = 150) -> Path:
    """Write *fig* to *path* (format from the suffix: ``.png``, ``.pdf``, ``.svg``)."""
    path = Path(path)
    if path.suffix.lower() not in (".png", ".pdf", ".svg"):
        raise SymdynError(f"cannot write a figure to {path}: use a .png, .pdf or .svg file name")
    if path.parent and not path.parent.exists():
        raise SymdynError(f"cannot write {path}: directory {path.parent} does not exist")
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path


def panels(observables: Sequence[str], model: "Model | None" = None) -> list[list[str]]:
    """Group observables into plot panels.

    With a *model*, by declaration: members of one family (``lambda_1 .. lambda_r``) and
    declarations of one ``group`` (``m_u, m_v``) share a panel, every other observable gets
    its own.  Without a model (names only), names that differ only after the last ``_`` in
    one character share one.

    >>> panels(["m_u", "m_v", "energy", "Q_a", "Q_b"])
    [['m_u', 'm_v'], ['energy'], ['Q_a', 'Q_b']]
    """
    groups: dict[str, list[str]] = {}
    for o in observables:
        if model is not None:
            key = model.observable(o).panel
        else:
            stem, sep, tail = o.rpartition("_")
            key = stem if sep and len(tail) == 1 else o
        groups.setdefault(key, []).append(o)
    return list(groups.values())


def _grid(time_name: str, t_max: float, points: int) -> list[str]:
    if time_name == "k":
        kmax = max(1, int(math.ceil(t_max)))
        ks = np.unique(np.round(np.linspace(0, kmax, min(points, kmax + 1))).astype(int))
        return [str(int(k)) for k in ks]
    ts = np.linspace(0.0, t_max, points)
    return [f"{t:.6g}" for t in ts]


def theory_curve(model: "Model", params: "Params", t_max: float, *, points: int = 161,
                 observables: Sequence[str] | None = None, dps: int = 15, progress: Any = None) -> "Trajectory":
    """The model's theory on a dense grid ``[0, t_max]`` (or step counts ``0..k_max``) for plotting.

    Uses the model's declared fast path (``Model.fast_path``, e.g. float64 arithmetic)
    when it has one, else ``evaluate`` at ``dps`` digits.
    """
    grid = _grid(model.time_name(params), float(t_max), points)
    obs = None if observables is None else list(observables)
    options = model.evaluation_strategies(**model.fast_path)
    return model.evaluate(params, grid, dps=dps, observables=obs, progress=progress, **options)


def _as_float(xs: Sequence[Any]) -> np.ndarray:
    return np.array([float(x) if x is not None else np.nan for x in xs], dtype=float)


def _param_text(params: "Params", limit: int = 6) -> str:
    from .exact import readable

    given = [k for k in params.values if k in params.given] or list(params.values)[:limit]
    specs = dict(getattr(params, "specs", None) or {})
    out = []
    for k in given[:limit]:
        symbol = specs[k].latex if k in specs and specs[k].latex else None
        value = readable(params.values[k])
        out.append(f"${symbol} = {value}$" if symbol and "," not in value else f"{k}={value}")
    return ", ".join(out)


def mathtext(model: "Model | None", name: str) -> str:
    """An observable's symbol as matplotlib mathtext (``$m_u(t)$``), from its declaration; else its name."""
    if model is not None:
        try:
            symbol = model.observable(name).latex_of(name)
        except Exception:  # an event or an undeclared name: its plain name
            symbol = ""
        if symbol:
            return f"${symbol}$"
    return name


def plot_check(result: "CheckResult", *, curve: "Trajectory | None" = None, model: "Model | None" = None,
               points: int = 161, show_trials: bool = True, width: float = 6.4) -> tuple[Figure, np.ndarray]:
    """Theory curves (dense grid) with the simulation means and 95% error bars at the checked times.

    Individual trials are drawn as faint dots (useful when the distribution is a
    sign mixture); rejected rows are circled in red; rows at sign risk show the
    amplitude-corrected mean (filled) and the raw mean (hollow).

    Parameters
    ----------
    result : CheckResult
    curve : Trajectory, optional
        Dense theory; computed with :func:`theory_curve` if omitted (needs ``model``
        or the model registry).
    """
    if model is None:
        from .models import model as get_model

        model = get_model(result.model)
    obs = [r.observable for r in result.rows]
    obs = list(dict.fromkeys(obs))
    tmax = max(float(t) for t in result.times) if result.times else 1.0
    tmax = tmax * 1.05 if tmax > 0 else 1.0
    if curve is None and result.source == "theory":
        curve = theory_curve(model, result.theory_params, tmax, points=points, observables=obs)
    groups = panels(obs, model)
    fig = Figure(figsize=(width, 2.9 * len(groups) + 0.6))
    axes = np.atleast_1d(fig.subplots(len(groups), 1, sharex=True, squeeze=False)[:, 0])
    color = {o: _COLORS[i % len(_COLORS)] for i, o in enumerate(obs)}
    rows = {(r.observable, r.t): r for r in result.rows}
    times = np.array([float(t) for t in result.times])
    span = (times.max() - times.min()) if times.size > 1 else 1.0
    rng = np.random.default_rng(0)  # jitter of trial dots only (cosmetic, fixed)
    for ax, group in zip(axes, groups):
        for o in group:
            col = color[o]
            if curve is not None and o in curve.observables:
                ax.plot(_as_float(curve.times), _as_float(curve[o]), color=col, lw=1.6,
                        label=f"{mathtext(model, o)} theory")
            elif result.source != "theory":
                ax.plot(times, _as_float([rows[(o, t)].theory for t in result.times]), color=col, lw=1.0,
                        ls="--", marker="_", label=f"{mathtext(model, o)} predictions")
            if show_trials and o in result.simulation.values:
                vals = result.simulation.values[o]
                jit = (rng.random(vals.shape) - 0.5) * 0.012 * max(span, tmax)
                ax.scatter((times[None, :] + jit).ravel(), vals.ravel(), s=5, color=col, alpha=0.18,
                           linewidths=0, zorder=1)
            rs = [rows[(o, t)] for t in result.times]
            mean = np.array([r.mean for r in rs])
            err = _Z95 * np.array([r.stderr if math.isfinite(r.stderr) else 0.0 for r in rs])
            corrected = np.array([r.test == "amplitude-corrected" for r in rs])
            ax.errorbar(times, mean, yerr=err, fmt="o", ms=4.5, color=col, mec="black", mew=0.6, capsize=3,
                        zorder=3, label=f"{mathtext(model, o)} simulation mean ± 95%"
                        + (" (corrected)" if corrected.any() else ""))
            if corrected.any():
                raw = np.array([r.raw_mean if r.raw_mean is not None else np.nan for r in rs])
                ax.plot(times[corrected], raw[corrected], "o", mfc="none", mec=col, ms=6, zorder=3,
                        label=f"{mathtext(model, o)} raw mean (sign mixture)")
            bad = np.array([r.rejected for r in rs])
            if bad.any():
                ax.plot(times[bad], mean[bad], "o", mfc="none", mec="red", ms=12, mew=1.8, zorder=4,
                        label="rejected row")
        ax.grid(True, alpha=0.3)
        ax.set_ylabel(", ".join(mathtext(model, o) for o in group))
        ax.legend(fontsize=7, loc="best", framealpha=0.85)
    axes[-1].set_xlabel(f"${result.time_name}$")
    axes[-1].set_xlim(left=min(0.0, float(times.min()) if times.size else 0.0) - 0.02 * tmax, right=tmax * 1.02)
    sizes = " x ".join(str(v) for v in result.sizes.values())
    verdict = {"agree": "agrees", "disagree": "DISAGREES", "inconclusive": "inconclusive"}[result.verdict]
    who = "theory" if result.source == "theory" else "predictions"
    fig.suptitle(f"{result.model}: {_param_text(result.params)}\n"
                 f"{who} {verdict} with simulation ({sizes}, {result.trials} seeds, level {result.level:g})",
                 fontsize=9)
    fig.tight_layout()
    return fig, axes


def plot_power_law(n: Sequence[float], rms: Sequence[float], rms_stderr: Sequence[float], *,
                   bias: Sequence[float] | None = None, bias_upper: Sequence[float] | None = None,
                   fit: Any = None, title: str = "", ax: Any = None, expected_slope: float | None = -0.5,
                   size_name: str = "n") -> tuple[Figure, Any]:
    """Deviation against size on log-log axes with a guide of the expected slope (and a fit line if given)."""
    if ax is None:
        fig = Figure(figsize=(6.0, 5.0))
        ax = fig.subplots()
    else:
        fig = ax.figure
    n = np.asarray(n, dtype=float)
    rms = np.asarray(rms, dtype=float)
    err = _Z95 * np.asarray(rms_stderr, dtype=float)
    ax.errorbar(n, rms, yerr=np.minimum(err, 0.95 * rms), fmt="o", color=_COLORS[0], mec="black", mew=0.6,
                capsize=3, label="RMS deviation (trials x rows) ± 95%", zorder=3)
    if bias is not None:
        b = np.asarray(bias, dtype=float)
        ub = None if bias_upper is None else np.asarray(bias_upper, dtype=float)
        pos = b > 0
        if pos.any():
            ax.plot(n[pos], b[pos], "s", color=_COLORS[1], ms=5, label="bias estimate (RMS over rows)", zorder=3)
        if ub is not None:
            ax.plot(n, ub, "v", color=_COLORS[1], mfc="none", ms=6, label="bias 95% upper bound", zorder=3)
    nn = np.geomspace(n.min() / 1.3, n.max() * 1.3, 50)
    if expected_slope is not None:
        e = float(expected_slope)
        k = math.exp(np.mean(np.log(rms) - e * np.log(n)))
        ax.plot(nn, k * nn**e, color="gray", ls="--", lw=1,
                label=r"$\propto " + size_name + "^{" + f"{e:g}" + r"}$ guide")
    if fit is not None:
        lo, hi = fit.interval
        ax.plot(nn, fit(nn), color=_COLORS[0], lw=1.2,
                label=f"fit: slope {fit.slope:.3f} [{lo:.3f}, {hi:.3f}]")
    from matplotlib.ticker import FixedLocator, NullLocator, ScalarFormatter

    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(FixedLocator(n))      # ticks at the simulated sizes, plain numbers
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.set_xlabel(f"${size_name}$")
    ax.set_ylabel("deviation from prediction")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    if title:
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    return fig, ax


def plot_convergence(conv: "ConvergenceResult", *, ax: Any = None) -> tuple[Figure, Any]:
    """The convergence ladder: RMS deviation and bias against the size (log-log) with the fit and a guide of
    the model's expected slope."""
    pts = conv.points
    try:
        from .models import model as get_model

        model = get_model(conv.model)
    except SymdynError:  # a model outside the registry: plain names
        model = None
    title = (f"{conv.model}: {_param_text(conv.params)}\n"
             f"{', '.join(mathtext(model, o) for o in conv.observables)} at ${conv.time_name}$ = "
             f"{', '.join(str(t) for t in conv.times)}")
    return plot_power_law([p.n for p in pts], [p.rms for p in pts], [p.rms_stderr for p in pts],
                          bias=[p.bias_rms for p in pts], bias_upper=[p.bias_upper for p in pts], fit=conv.fit,
                          title=title, ax=ax, expected_slope=conv.expected_slope, size_name=conv.size_name)


def plot_sign(result: "CheckResult", *, ax: Any = None) -> tuple[Figure, Any]:
    """Histogram of the trials' realised sign-fixing amplitudes against the predicted normal law."""
    if result.sign is None:
        raise SymdynError("this check found no finite-n sign risk: nothing to plot")
    sign = result.sign
    key = sign.extra_key if sign.extra_key in result.simulation.extra else None
    if ax is None:
        fig = Figure(figsize=(6.4, 4.0))
        ax = fig.subplots()
    else:
        fig = ax.figure
    mu, sd = sign.amplitude, sign.sigma
    lo, hi = mu - 4.5 * sd, mu + 4.5 * sd
    if key is not None:
        amp = np.asarray(result.simulation.extra[key], dtype=float)
        lo, hi = min(lo, float(amp.min())), max(hi, float(amp.max()))
        # bins with an edge at 0, so the wrong-sign trials fall in bars of their own
        width = min((hi - lo) / max(8, int(math.sqrt(amp.size)) + 3), sd / 2)
        edges = np.arange(math.floor(lo / width), math.ceil(hi / width) + 1) * width
        ax.hist(amp, bins=edges, density=True, color=_COLORS[0], alpha=0.55, label=f"{amp.size} trials")
    x = np.linspace(lo, hi, 400)
    ax.plot(x, np.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * math.sqrt(2 * math.pi)), color="black", lw=1.2,
            label=f"predicted normal law: mean {mu:.3g}, s.d. $\\sigma_n$ = {sd:.3g}")
    wrong = x > 0 if mu < 0 else x < 0
    ax.fill_between(x, 0, np.exp(-0.5 * ((x - mu) / sd) ** 2) / (sd * math.sqrt(2 * math.pi)), where=wrong,
                    color=_COLORS[1], alpha=0.25, label=f"predicted wrong sign: {sign.predicted_wrong:.3f}")
    ax.axvline(0.0, color="gray", lw=0.8)
    obs = "" if sign.observed_wrong is None else (
        f"; observed {sign.wrong_trials}/{sign.trials} = {sign.observed_wrong:.3f}")
    sizes = " x ".join(f"{k}={v}" for k, v in result.sizes.items())
    label = getattr(sign.amplitude_label, "latex", sign.amplitude_label)
    ax.set_title(f"finite-size {label} ({sizes}){obs}", fontsize=9)
    ax.set_xlabel(label)
    ax.set_ylabel("density")
    top = ax.get_ylim()[1]
    ax.set_ylim(0, top * 1.35)  # room for the legend above the bars
    ax.legend(fontsize=7, loc="upper left")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig, ax
