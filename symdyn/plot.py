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
from functools import lru_cache
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

__all__ = ["theory_curve", "plot_check", "plot_convergence", "plot_power_law", "plot_sign", "plot_sweep", "save", "panels",
           "mathtext", "mathtext_ok", "param_text"]

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


def param_text(params: "Params", limit: int = 6) -> str:
    """A plot title's parameter list: the given parameters (at most *limit*) as mathtext.

    Lists print as tuples, powers of ten as exponents; a parameter whose symbol mathtext
    cannot typeset prints with its plain name.

    Examples
    --------
    >>> import symdyn as sd
    >>> m = sd.model("rank-one-denoising")
    >>> print(param_text(m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")))
    $c = 1/2$, $\\theta = 6/5$, $\\alpha = 1/10$, $\\beta = 1/10$
    """
    from .exact import readable
    from .tex import power_of_ten

    given = [k for k in params.values if k in params.given] or list(params.values)[:limit]
    specs = params.specs
    out = []
    for k in given[:limit]:
        symbol = specs[k].latex if k in specs and specs[k].latex else None
        value = readable(params.values[k])
        if symbol and power_of_ten(params.values[k]):
            value = power_of_ten(params.values[k])
        elif "," in value:   # a list: (3, 2, 1)
            value = "(" + ", ".join(value.split(",")) + ")"
        text = f"${symbol} = {value}$" if symbol else f"{k} = {value}"
        out.append(text if not symbol or mathtext_ok(f"{symbol} = {value}") else f"{k} = {value}")
    return ", ".join(out)


def mathtext(model: "Model | None", name: str) -> str:
    """An observable's symbol as matplotlib mathtext (``$m_u(t)$``), from its declaration; else its name."""
    if model is not None:
        try:
            symbol = model.observable(name).latex_of(name)
        except Exception:  # an event or an undeclared name: its plain name
            symbol = ""
        if symbol and mathtext_ok(symbol):
            return f"${symbol}$"
    return name


@lru_cache(maxsize=512)
def mathtext_ok(symbol: str) -> bool:
    """Whether matplotlib's mathtext (a subset of TeX) can typeset *symbol* (``\\ge`` it cannot).

    Examples
    --------
    >>> mathtext_ok(r"\\geq"), mathtext_ok(r"\\ge")
    (True, False)
    """
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(f"${symbol}$")
    except ValueError:
        return False
    return True


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
    obs = [r.observable for r in result.rows if r.t is not None]   # event rows (t = None) have no curve
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
        many = len(group) > 4   # a long family: one legend entry per kind, the panel named by its range
        for o in group:
            col = color[o]
            first = o == group[0]
            tag = f"{mathtext(model, group[0])} .. {mathtext(model, group[-1])}" if many else mathtext(model, o)
            if curve is not None and o in curve.observables:
                ax.plot(_as_float(curve.times), _as_float(curve[o]), color=col, lw=1.6,
                        label=f"{tag} theory" if first or not many else None)
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
                        zorder=3, label=(f"{tag} simulation mean ± 95%" + (" (corrected)" if corrected.any() else ""))
                        if first or not many else None)
            if corrected.any():
                raw = np.array([r.raw_mean if r.raw_mean is not None else np.nan for r in rs])
                ax.plot(times[corrected], raw[corrected], "o", mfc="none", mec=col, ms=6, zorder=3,
                        label=f"{mathtext(model, o)} raw mean (sign mixture)")
            bad = np.array([r.rejected for r in rs])
            if bad.any():
                ax.plot(times[bad], mean[bad], "o", mfc="none", mec="red", ms=12, mew=1.8, zorder=4,
                        label="rejected row")
        ax.grid(True, alpha=0.3)
        ax.set_ylabel(f"{mathtext(model, group[0])} .. {mathtext(model, group[-1])}" if many
                      else ", ".join(mathtext(model, o) for o in group))
        ax.legend(fontsize=7, loc="best", framealpha=0.85)
    axes[-1].set_xlabel(f"${result.time_name}$")
    axes[-1].set_xlim(left=min(0.0, float(times.min()) if times.size else 0.0) - 0.02 * tmax, right=tmax * 1.02)
    sizes = " x ".join(str(v) for v in result.sizes.values())
    verdict = {"agree": "agrees", "disagree": "DISAGREES", "inconclusive": "inconclusive"}[result.verdict]
    who = "theory" if result.source == "theory" else "predictions"
    fig.suptitle(f"{result.model}: {param_text(result.params)}\n"
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
    title = (f"{conv.model}: {param_text(conv.params)}\n"
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


# ----------------------------------------------------------------------------- sweeps and phase diagrams

_FAIL_MARKERS = ("x", "v", "s", "D", "^", "P", "*", "<")
_HATCHES = ("///", "\\\\\\", "xxx", "...", "|||", "---", "+++", "ooo")


def _mathtext(label: str, fallback: str) -> str:
    """*label* if matplotlib's mathtext can typeset it, else *fallback*."""
    if "$" not in label:
        return label
    from matplotlib.mathtext import MathTextParser

    try:
        MathTextParser("path").parse(label)
    except Exception:  # noqa: BLE001 - any parse failure: use the plain name
        return fallback
    return label


def _reason(message: str, limit: int = 70) -> str:
    text = " ".join(message.split()) or "failed"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _widest(enclosures: Sequence[dict | None]) -> str:
    """The largest ``upper - lower`` of decimal-string enclosures, rounded up to one digit (exact:
    certified widths are far below float64's resolution of the values)."""
    from decimal import ROUND_CEILING, Decimal, InvalidOperation, localcontext

    widths = []
    with localcontext() as ctx:
        ctx.prec = 2100  # exact differences of decimals of up to 1000 digits
        for e in enclosures:
            try:
                widths.append(Decimal(e["upper"]) - Decimal(e["lower"]))
            except (TypeError, KeyError, InvalidOperation):
                continue
    if not widths:
        return "?"
    w = max(widths)
    if w <= 0:
        return "0"
    return f"{w.quantize(Decimal(1).scaleb(w.adjusted()), rounding=ROUND_CEILING):.0e}"


def _floats(texts: Sequence[str | None]) -> np.ndarray:
    out = []
    for t in texts:
        try:
            out.append(float(t) if t is not None else np.nan)
        except ValueError:
            out.append(np.nan)
    return np.array(out, dtype=float)


def _cell_edges(x: np.ndarray, log: bool) -> np.ndarray:
    """Edges of cells centred on the sorted points *x* (geometric midpoints on a log axis)."""
    v = np.log(x) if log else x
    if v.size == 1:
        mid = np.array([v[0] - 0.5, v[0] + 0.5]) if not log else np.array([v[0] - 0.1, v[0] + 0.1])
    else:
        inner = (v[1:] + v[:-1]) / 2
        mid = np.concatenate([[v[0] - (inner[0] - v[0])], inner, [v[-1] + (v[-1] - inner[-1])]])
    return np.exp(mid) if log else mid


def plot_sweep(result: Any, *, values: Sequence[str] | None = None, curve: Any = None,
               width: float = 6.4) -> tuple[Figure, Any]:
    """A sweep as a figure: one axis -> the values against it; two axes -> a heatmap.

    One axis: a line per value (``values`` selects them), log axes drawn logarithmically,
    certified enclosures as a band, failed points marked along the axis with their reasons in
    the legend.  A ``--solve`` sweep draws the solved parameter against the axis: the phase
    boundary.  Two axes: a heatmap of the first selected value with failed cells hatched (one
    hatch per reason) and, with ``curve`` (a one-axis solve sweep over one of the two axes
    solving for the other), the boundary curve on top.  Labels are mathtext from the
    parameters' LaTeX names.

    Parameters
    ----------
    result : symdyn.sweep.SweepResult
    values : list of str, optional
    curve : symdyn.sweep.SweepResult, optional

    Examples
    --------
    >>> import symdyn as sd
    >>> res = sd.sweep("rank-one-denoising", "threshold", {}, {"c": "1e-4:1:5:log"}, dps=20)
    >>> fig, ax = plot_sweep(res)
    >>> ax.get_xscale(), ax.get_xlabel()
    ('log', '$c$')
    """
    spec = result.spec
    axes = spec.axes
    if len(axes) not in (1, 2):
        raise SymdynError(f"a sweep plot needs one or two axes, and this sweep has {len(axes)}")
    names = list(values) if values is not None else result.value_names
    unknown = [v for v in names if v not in result.value_names]
    if unknown:
        have = ", ".join(result.value_names) or "none (every point failed)"
        raise SymdynError(f"no value {unknown[0]} to plot: the sweep has {have}")
    if len(axes) == 1:
        return _plot_line(result, names, width)
    return _plot_map(result, names[0] if names else "", curve, width)


def _title(result: Any) -> str:
    spec = result.spec
    fixed = ", ".join(f"{k}={v}" for k, v in spec.fixed.items())
    what = spec.target.text
    if spec.solve is not None:
        what = f"{spec.solve.name} where {what} = {spec.solve.to_json()['equals']}"
    return f"{spec.model_name}: {what}" + (f"\n{fixed}" if fixed else "") + f"  ({spec.dps} digits" + (
        ", certified)" if spec.certify else ")")


def _failures(result: Any) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(result.points):
        if not p.ok:
            groups.setdefault(_reason(p.message), []).append(i)
    return groups


def _plot_line(result: Any, names: Sequence[str], width: float) -> tuple[Figure, Any]:
    spec = result.spec
    axis = spec.axes[0]
    fig = Figure(figsize=(width, 4.6))
    ax = fig.subplots()
    pts = result.points
    x = np.array([_ratio(p.params[axis.name]) for p in pts], dtype=float)
    order = np.argsort(x)
    finite_pos = []
    for k, name in enumerate(names):
        col = _COLORS[k % len(_COLORS)]
        y = _floats([p.values.get(name) for p in pts])
        label = _mathtext(spec.value_label(name), name)
        ax.plot(x[order], y[order], "-o", color=col, ms=3, lw=1.4, label=label if len(names) > 1 else None)
        if spec.certify:
            lo = _floats([(p.enclosures or {}).get(name, {}).get("lower") for p in pts])
            hi = _floats([(p.enclosures or {}).get(name, {}).get("upper") for p in pts])
            widest = _widest([(p.enclosures or {}).get(name) for p in pts])
            what = f"certified enclosure of {label}" if len(names) > 1 else "certified enclosure"
            ax.fill_between(x[order], lo[order], hi[order], color=col, alpha=0.25, lw=0,
                            label=f"{what} (widths <= {widest})")
        finite_pos.append(y[np.isfinite(y)])
    for j, (reason, idx) in enumerate(_failures(result).items()):
        ax.plot(x[idx], np.full(len(idx), 0.03), _FAIL_MARKERS[j % len(_FAIL_MARKERS)], color="#d62728", ms=6,
                mew=1.5, mfc="none", transform=ax.get_xaxis_transform(), clip_on=False,
                label=f"failed ({len(idx)}): {reason}")
    if axis.scale == "log":
        ax.set_xscale("log")
    ys = np.concatenate(finite_pos) if finite_pos else np.array([])
    if ys.size and (ys > 0).all() and ys.max() / ys.min() > 1e3:
        ax.set_yscale("log")
    ax.set_xlabel(_mathtext(spec.param_label(axis.name), axis.name))
    if spec.solve is not None:
        ax.set_ylabel(_mathtext(spec.param_label(spec.solve.name), spec.solve.name))
    elif len(names) == 1:
        ax.set_ylabel(_mathtext(spec.value_label(names[0]), names[0]))
    else:
        ax.set_ylabel(", ".join(names))
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title(_title(result), fontsize=9)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=1, frameon=False)
    fig.tight_layout()
    return fig, ax


def _ratio(text: str) -> float:
    from .params import parse_number

    return float(parse_number(text))


def _axis_floats(axis: Any) -> np.ndarray:
    return np.array([_ratio(t) for t in axis.texts], dtype=float)


def _plot_map(result: Any, name: str, curve: Any, width: float) -> tuple[Figure, Any]:
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Patch, Rectangle

    spec = result.spec
    ax_x, ax_y = spec.axes[1], spec.axes[0]  # first axis on the vertical, the second across
    xs, ys = _axis_floats(ax_x), _axis_floats(ax_y)
    ox, oy = np.argsort(xs), np.argsort(ys)
    xs_sorted, ys_sorted = xs[ox], ys[oy]
    index = {(p.params[ax_y.name], p.params[ax_x.name]): p for p in result.points}
    z = np.full((len(ys), len(xs)), np.nan)
    failed = np.zeros(z.shape, dtype=object)
    for iy, jy in enumerate(oy):
        for ix, jx in enumerate(ox):
            p = index.get((ax_y.texts[jy], ax_x.texts[jx]))
            if p is None:
                continue
            if p.ok:
                z[iy, ix] = _floats([p.values.get(name)])[0]
            else:
                failed[iy, ix] = _reason(p.message)
    fig = Figure(figsize=(width, 5.0))
    ax = fig.subplots()
    ex, ey = _cell_edges(xs_sorted, ax_x.scale == "log"), _cell_edges(ys_sorted, ax_y.scale == "log")
    mesh = ax.pcolormesh(ex, ey, np.ma.masked_invalid(z), cmap="viridis", shading="flat")
    value_label = _mathtext(spec.value_label(spec.solve.name if spec.solve is not None else name), name)
    fig.colorbar(mesh, ax=ax, label=value_label)
    reasons = {r: k for k, r in enumerate(dict.fromkeys(r for r in failed.ravel() if r))}
    cells: dict[str, list[Any]] = {r: [] for r in reasons}
    for (iy, ix), r in np.ndenumerate(failed):
        if r:
            cells[r].append(Rectangle((ex[ix], ey[iy]), ex[ix + 1] - ex[ix], ey[iy + 1] - ey[iy]))
    for r, rects in cells.items():  # one collection per reason: fast for large grids
        ax.add_collection(PatchCollection(rects, facecolor="none", edgecolor="#555555", linewidth=0,
                                          hatch=_HATCHES[reasons[r] % len(_HATCHES)], label=f"failed: {r}"))
    handles = [Patch(facecolor="none", edgecolor="#555555", hatch=_HATCHES[k % len(_HATCHES)],
                     label=f"failed ({int((failed == r).sum())}): {r}") for r, k in reasons.items()]
    if curve is not None:
        handles += _draw_curve(ax, curve, ax_x.name, ax_y.name)
    if ax_x.scale == "log":
        ax.set_xscale("log")
    if ax_y.scale == "log":
        ax.set_yscale("log")
    ax.set_xlabel(_mathtext(spec.param_label(ax_x.name), ax_x.name))
    ax.set_ylabel(_mathtext(spec.param_label(ax_y.name), ax_y.name))
    ax.set_xlim(ex[0], ex[-1])
    ax.set_ylim(ey[0], ey[-1])
    ax.set_title(_title(result), fontsize=9)
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), frameon=False)
    fig.tight_layout()
    return fig, ax


def _draw_curve(ax: Any, curve: Any, x_name: str, y_name: str) -> list[Any]:
    cs = curve.spec
    if cs.solve is None or len(cs.axes) != 1 or {cs.axes[0].name, cs.solve.name} != {x_name, y_name}:
        raise SymdynError(f"the curve must be a one-axis --solve sweep over {x_name} or {y_name} solving for the "
                          "other one")
    axis = cs.axes[0]
    ok = [p for p in curve.points if p.ok]
    a = np.array([_ratio(p.params[axis.name]) for p in ok], dtype=float)
    r = _floats([p.values.get(cs.solve.name) for p in ok])
    order = np.argsort(a)
    x, y = (a, r) if axis.name == x_name else (r, a)
    label = f"{cs.target.text} = {cs.solve.to_json()['equals']} (solved)"
    ax.plot(x[order], y[order], "-", color="white", lw=2.6, zorder=4)
    (line,) = ax.plot(x[order], y[order], "--", color="#d62728", lw=1.5, zorder=5, label=label)
    return [line]
