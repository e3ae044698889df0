"""The report: one command that runs a model's four views and writes them up.

``report(model, params, out="report")`` runs the derivation (every step
verified), evaluates the trajectory, the large-time limit and the boundary
quantities, checks the theory against finite-size simulations (with a
convergence ladder in n and the finite-n sign analysis), draws the figures,
and writes into ``out``:

* ``report.tex`` -- a self-contained LaTeX document with tables and figures
  (assembled with :mod:`symdyn.tex`), compiled to ``report.pdf`` when
  ``pdflatex`` is installed (``report.log`` holds pdflatex's errors if it fails);
* ``summary.json`` -- everything in the document as data (numbers as decimal strings);
* ``trajectory.png``, ``convergence.png`` and, when there is a sign risk, ``sign.png``.

With no parameters the model's built-in example is used (its
``report_example`` attribute); it is sized to
finish in about a minute on a two-core machine.  Generic over models: only the
:class:`~symdyn.models.base.Model` interface is used.
"""

from __future__ import annotations

import json
import platform
import shutil
import tempfile
import time as _time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import mpmath as mp
import sympy as sp

from . import tex as ltx
from .errors import ParameterError, SymdynError
from .exact import mp_to_decimal
from .progress import NULL_PROGRESS

if TYPE_CHECKING:  # pragma: no cover
    from .check import CheckResult
    from .models.base import Model
    from .params import Params

__all__ = ["report", "Report", "default_example"]

_GENERIC = {"n": 1000, "seeds": 20, "times": ["1", "2", "5", "10", "20"], "sizes": [250, 500, 1000]}


def default_example(model: "Model") -> dict[str, Any]:
    """The model's example: parameters and check settings (``n``, ``seeds``, ``times``, ``sizes``)."""
    ex = getattr(model, "report_example", None)
    if ex is None:
        raise ParameterError(f"model {model.name} has no built-in example: give its parameters, "
                             f"e.g. symdyn report {model.name} NAME=VALUE ...")
    return {**_GENERIC, **dict(ex)}


@dataclass(frozen=True)
class Report:
    """What :func:`report` wrote and computed."""

    out: Path
    files: tuple[Path, ...]
    check: "CheckResult"
    summary: Mapping[str, Any]
    seconds: float
    notes: tuple[str, ...] = ()
    pdf: Path | None = None


# ----------------------------------------------------------------------------- LaTeX helpers


def _num(x: Any, digits: int = 15) -> str:
    """A number for a table: ``digits`` significant digits in math mode."""
    if x is None:
        return "--"
    if isinstance(x, mp.mpf):
        text = mp_to_decimal(x, digits)
    else:
        xf = float(x)
        if xf != xf:
            return "--"
        text = f"{xf:.{digits}g}"
    if "e" in text:
        mant, _, exp = text.partition("e")
        return f"${mant} \\times 10^{{{int(exp)}}}$"
    return f"${text}$"


def _prose(text: str) -> str:
    """LaTeX-flavoured prose (inline math between ``$``): text outside the math is escaped, math kept.

    With an odd number of ``$`` the whole string is treated as plain text.
    """
    parts = text.split("$")
    if len(parts) % 2 == 0:
        return ltx.escape(text)
    return "".join(ltx.escape(p) if i % 2 == 0 else "$" + p + "$" for i, p in enumerate(parts))


def _tt(text: str) -> str:
    return r"\texttt{" + ltx.escape(text) + "}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str, caption: str = "") -> str:
    lines = [r"\begin{center}", r"\small", r"\begin{tabular}{" + align + "}", r"\hline",
             " & ".join(header) + r" \\", r"\hline"]
    lines += [" & ".join(r) + r" \\" for r in rows]
    lines += [r"\hline", r"\end{tabular}"]
    if caption:
        lines.append(r"\\[2pt] \parbox{0.92\linewidth}{\footnotesize " + caption + "}")
    lines.append(r"\end{center}")
    return "\n".join(lines)


def _figure(name: str, caption: str, width: str = "0.9\\linewidth") -> str:
    """A figure that stays where it is written (no float): image and caption kept together."""
    return "\n".join([r"\par\medskip\noindent\begin{minipage}{\linewidth}\centering",
                      f"\\includegraphics[width={width}]{{{name}}}\\par\\smallskip",
                      r"{\small\textbf{Figure.} " + caption + "}", r"\end{minipage}\par\medskip"])


def _inline(expr: Any) -> str:
    """An exact value for a table: rationals as ``p/q``, other expressions in display style."""
    try:
        expr = sp.sympify(expr)
        if expr.is_Rational:
            return "$" + sp.sstr(expr) + "$"
        return r"$\displaystyle " + ltx.latex(expr) + "$"
    except Exception:  # an expression the printer refuses (e.g. holding floats): show it as text
        return _tt(sp.sstr(expr))


# ----------------------------------------------------------------------------- sections


def _params_section(model: "Model", params: "Params", example_note: str) -> ltx.Section:
    specs = {s.name: s for s in model.parameter_specs}
    rows = []
    for name, value in params.values.items():
        spec = specs.get(name)
        shown = _inline(value) if isinstance(value, sp.Basic) else _tt(str(value))
        src = "given" if name in params.given else "default"
        rows.append([_tt(name), shown, ltx.escape(spec.meaning if spec else ""), src])
    body = [ltx.escape(model.summary)]
    if example_note:
        body.append(r"\emph{Built-in example:} " + ltx.escape(example_note) + ".")
    body.append(_table(["parameter", "value", "meaning", ""], rows, "llp{8.2cm}l"))
    obs = [[_tt(o.name), "$" + o.latex + "$" if o.latex else "", ltx.escape(o.meaning)] for o in model.observable_specs]
    body.append("Observables of the model:")
    body.append(_table(["name", "symbol", "meaning"], obs, "llp{10cm}"))
    return ltx.Section("Model and parameters", "\n\n".join(body))


def _derivation_section(result: Any, error: str) -> ltx.Section:
    if result is None:
        return ltx.Section("Derivation", r"\emph{Not available:} " + ltx.escape(error))
    groups: dict[str, list[ltx.Section]] = {}
    for sr in result.steps:
        step, res = sr.step, sr.result
        body = [step.statement.strip()]
        for eq in step.equations:
            body.append("\\begin{equation}\n" + eq.strip() + "\n\\end{equation}")
        if step.remark:
            body.append(step.remark.strip())
        status = {"passed": r"\textbf{passed}", "failed": r"\textbf{FAILED}"}.get(str(res.status),
                                                                                 r"\textbf{" + ltx.escape(str(res.status)).upper() + "}")
        prefix = r"\emph{Stated result.} " if step.stated else ""
        body.append(prefix + f"\\emph{{Verification}} ({status}, {res.seconds:.2f}\\,s): "
                    + _prose(res.description) + ". " + _prose(f"{res.method}: {res.evidence}"))
        groups.setdefault(step.section or "Steps", []).append(ltx.Section(step.title, "\n\n".join(body)))
    n_ok = sum(s.passed for s in result.steps)
    head = (f"{n_ok} of {len(result.steps)} steps verified at {result.dps} digits "
            f"(seed {ltx.escape(str(result.seed))}, {result.seconds:.1f}\\,s).")
    if not result.passed:
        head += " \\textbf{Failed:} " + ltx.escape(", ".join(result.failed)) + "."
    intro = result.derivation.introduction.strip()
    subs = tuple(ltx.Section(name, "", tuple(items)) for name, items in groups.items())
    return ltx.Section("Derivation", (intro + "\n\n" if intro else "") + head, subs)


def _boundaries_section(items: Sequence[tuple[str, Any, str]], dps: int) -> ltx.Section:
    rows, missing = [], []
    for name, b, err in items:
        if b is None:
            missing.append(r"\item " + _tt(name) + ": " + ltx.escape(err))
            continue
        for key, value in b.values.items():
            exact = b.exact.get(key)
            rows.append([_tt(name if key == name or len(b.values) == 1 else f"{name}: {key}"),
                         _inline(exact) if exact is not None else "--", _num(value, min(dps, 20))])
    body = _table(["quantity", "closed form", "value"], rows, "llr", f"Values to {min(dps, 20)} significant digits.")
    if missing:
        body += "\n\nNot computed for these parameters:\n\\begin{itemize}\n" + "\n".join(missing) + "\n\\end{itemize}"
    return ltx.Section("Boundaries and constants", body)


def _limit_section(lim: Any, err: str, dps: int) -> ltx.Section:
    if lim is None:
        return ltx.Section("Large-time limit", r"\emph{Not available:} " + ltx.escape(err))
    body = [f"Regime: \\textbf{{{ltx.escape(str(lim.regime))}}}. " + _prose(lim.conditions)]
    rows = [[_tt(k), _inline(lim.exact[k]) if k in lim.exact else "--", _num(v, min(dps, 20))]
            for k, v in lim.values.items()]
    body.append(_table(["observable", "limit (closed form)", "value"], rows, "llr"))
    if lim.decay is not None:
        d = lim.decay
        text = "Approach to the limit: " + _tt(d.law)
        if d.time_scale is not None:
            text += ", time scale " + _num(d.time_scale, 8)
        if d.note:
            text += ". " + ltx.escape(d.note)
        body.append(text + ".")
    if lim.check is not None:
        c = lim.check
        verdict = {True: "passed", False: "FAILED", None: "not performed"}[c.passed]
        body.append(f"Numerical check ({verdict}): " + ltx.escape(c.description)
                    + ("" if c.relative_deviation is None else
                       f"; relative deviation {_num(c.relative_deviation, 3)}") + ".")
    return ltx.Section("Large-time limit", "\n\n".join(body))


def _trajectory_section(traj: Any, fig: str | None) -> ltx.Section:
    names = list(traj.observables)
    header = ["$" + traj.time_name + "$"] + [_tt(o) for o in names]
    rows = [[_inline(t)] + [_num(traj.observables[o][j].value, 15) for o in names] for j, t in enumerate(traj.times)]
    err = traj.max_error()
    body = [f"Deterministic equivalents at {traj.dps} digits (15 shown). Method: " + ltx.escape(traj.method)
            + f". Largest error estimate (difference of two independent evaluations): {_num(err, 3)}.",
            _table(header, rows, "r" * len(header))]
    if traj.notes:
        body.append("Notes: " + ltx.escape("; ".join(traj.notes)) + ".")
    if fig:
        body.append(_figure(fig, "Theory (lines, dense grid) with the simulation means and 95\\% error bars at the "
                                 "checked times; faint dots are the individual trials (raw values)."))
    return ltx.Section("Trajectory", "\n\n".join(body))


def _check_section(res: "CheckResult", sign_fig: str | None) -> ltx.Section:
    sim = res.simulation
    sizes = " \\times ".join(f"{k}={v}" for k, v in res.sizes.items())
    verdict = {"agree": r"\textbf{the theory agrees with the simulation}",
               "disagree": r"\textbf{the theory DISAGREES with the simulation}",
               "inconclusive": r"\textbf{inconclusive} (no row could be tested)"}[res.verdict]
    body = [
        f"Simulation: ${sizes}$, {res.trials} independent trials (trial $i$ uses "
        f"\\texttt{{SeedSequence({res.seed}).spawn({res.trials})[i]}}), method {_tt(sim.method)}, "
        f"{sim.seconds:.1f}\\,s.",
        "Test: for each observable and time, $z = (\\bar x - x_{\\mathrm{theory}})/\\hat s$ with the standard error "
        f"of the mean $\\hat s$; two-sided Student-$t$ $p$-value with {res.trials - 1} degrees of freedom; Holm's "
        f"step-down procedure over all {len(res.tested_rows)} tested rows at family-wise level {res.level:g} "
        "(valid under any dependence between the rows, which share trials). "
        f"Verdict: {verdict} (smallest Holm-adjusted $p$ = {_num(res.min_p_adjusted, 3)}, "
        f"largest $|z|$ = {_num(res.max_abs_z, 3)}).",
    ]
    rows = []
    for r in res.rows:
        test = {"mean": "mean", "amplitude-corrected": "corrected", "excluded": "excluded"}[r.test]
        if r.rejected:
            test = r"\textbf{rejected}"
        rows.append([_tt(r.observable), _inline(r.t), _num(r.theory, 10), _num(r.mean, 8), _num(r.stderr, 3),
                     _num(r.z, 3), _num(r.p_adjusted, 3), test])
    body.append(_table(["obs.", "$" + res.time_name + "$", "theory", "mean", "s.e.", "$z$", "$p_{\\mathrm{Holm}}$",
                        "test"], rows, "lrrrrrrl"))
    if res.caveats:
        body.append("Caveats:\n\\begin{itemize}\n" + "\n".join(r"\item " + ltx.escape(c) for c in res.caveats)
                    + "\n\\end{itemize}")
    subs = []
    if res.sign is not None:
        s = res.sign
        obs = "not recorded by the simulator" if s.observed_wrong is None else (
            f"{s.wrong_trials}/{s.trials} = {s.observed_wrong:.3g} (95\\% Wilson interval "
            f"{s.interval[0]:.3g}--{s.interval[1]:.3g}; exact binomial test against the prediction: $p$ = "
            f"{_num(s.binomial_p, 3)})")
        sb = [ltx.escape(s.description) + ".",
              f"Predicted wrong-sign probability {s.predicted_wrong:.3g} ($|A+B|/\\sigma_n$ = {s.ratio:.3g}); observed "
              + obs + ".",
              ltx.escape("Treatment: " + s.treatment + ".")]
        if s.amplitude_sd is not None:
            sb.append(f"Observed amplitude mean {s.amplitude_mean:.4g} and s.d. {s.amplitude_sd:.4g} against "
                      f"$A+B$ = {s.amplitude:.4g} and $\\sigma_n$ = {s.sigma:.4g}.")
        if sign_fig:
            sb.append(_figure(sign_fig, "Realised finite-$n$ outlier amplitudes of the trials against the "
                                        "predicted normal law; the shaded area is the predicted wrong-sign "
                                        "probability.", "0.75\\linewidth"))
        subs.append(ltx.Section("Finite-n sign risk", "\n\n".join(sb)))
    return ltx.Section("Theory against simulation", "\n\n".join(body), tuple(subs))


def _convergence_section(conv: Any, fig: str | None) -> ltx.Section:
    rows = [[str(p.n), "$" + " \\times ".join(str(v) for v in p.sizes.values()) + "$", str(p.trials),
             _num(p.rms, 4), _num(p.rms_stderr, 2), _num(p.sqrt_n_rms, 4), _num(p.bias_rms, 3), _num(p.bias_upper, 3)]
            for p in conv.points]
    f = conv.fit
    lo, hi = f.interval
    body = [
        "At each size the trials' deviations from the prediction are pooled over the rows: "
        "$\\mathrm{RMS} = (\\frac{1}{TR}\\sum_{i,j}(x_{ij} - x_j)^2)^{1/2}$, with a delta-method standard error "
        "from the per-trial mean squares. The bias is the part that does not average out, "
        "$(\\frac1R\\sum_j (\\bar x_j - x_j)^2 - \\hat s_j^2)^{1/2}$, with a one-sided 95\\% upper bound. "
        "The ladder point at the check's own size reuses its simulation; the others use root seeds "
        "\\texttt{SeedSequence([seed, n])}.",
        _table(["$n$", "sizes", "trials", "RMS", "s.e.", "$\\sqrt n\\,$RMS", "bias", "bias (95\\% upper)"], rows,
               "rrrrrrrr"),
        f"Weighted least-squares fit of $\\log \\mathrm{{RMS}}$ on $\\log n$: slope {f.slope:.3f}, "
        f"{int(round(100 * f.confidence))}\\% interval [{lo:.3f}, {hi:.3f}] ($\\chi^2$ = {f.chi2:.3g} with "
        f"{f.dof} degrees of freedom, Birge ratio {f.birge:.3g}). "
        + ("The interval contains $-1/2$: consistent with fluctuations of order $n^{-1/2}$. " if conv.consistent_with_half
           else "The interval does \\textbf{not} contain $-1/2$. ")
        + ("At every size the bias is below the fluctuations." if conv.bias_below_fluctuation
           else "The bias is \\textbf{not} below the fluctuations at every size."),
    ]
    for note in conv.notes:
        body.append(r"\emph{Note:} " + ltx.escape(note) + ".")
    if fig:
        body.append(_figure(fig, "Deviation from the theory against $n$ (log-log), with the fitted power law and an "
                                 "$n^{-1/2}$ guide.", "0.75\\linewidth"))
    return ltx.Section("Convergence in n", "\n\n".join(body))


def _repro_section(command: str, settings: Mapping[str, Any], timings: Mapping[str, float]) -> ltx.Section:
    import matplotlib
    import numpy
    import scipy

    from . import __version__

    lines = [f"Command: {_tt(command)}",
             "Settings: " + ltx.escape(", ".join(f"{k} = {v}" for k, v in settings.items())) + ".",
             "Timings: " + ltx.escape(", ".join(f"{k} {v:.1f} s" for k, v in timings.items())) + ".",
             "Software: " + ltx.escape(f"symdyn {__version__}, Python {platform.python_version()}, "
                                       f"numpy {numpy.__version__}, scipy {scipy.__version__}, "
                                       f"sympy {sp.__version__}, mpmath {mp.__version__}, "
                                       f"matplotlib {matplotlib.__version__}") + "."]
    return ltx.Section("Reproducibility", "\n\n".join(lines))


# ----------------------------------------------------------------------------- the report


def report(
    model: "Model",
    params: "Params | Mapping[str, Any] | None" = None,
    *,
    out: str | Path = "report",
    n: int | None = None,
    seeds: int | None = None,
    times: Sequence[Any] | None = None,
    sizes: Sequence[int] | str | None = None,
    seed: int = 0,
    level: float = 0.05,
    dps: int = 30,
    derivation_dps: int = 30,
    pdf: bool = True,
    progress: Any = None,
    command: str = "",
) -> Report:
    """Run everything for one parameter set and write the report into ``out``.

    Parameters
    ----------
    model : Model
    params : Params, mapping of name -> text, or None
        ``None`` uses the model's built-in example (parameters *and* check settings).
    out : path
        Output directory (created if needed; existing report files are overwritten).
    n, seeds, times, sizes : optional
        Check settings (default: the example's); ``sizes="none"`` skips the ladder.
    seed, level, dps : root seed, false-alarm rate of the verdict, digits of the theory.
    derivation_dps : digits at which the derivation's steps are verified.
    pdf : compile ``report.tex`` with pdflatex when it is installed.
    progress : a progress meter (see :mod:`symdyn.progress`).

    Returns
    -------
    Report
    """
    from .check import check
    from .params import check_dps
    from .plot import plot_check, plot_convergence, plot_sign, save

    start = _time.perf_counter()
    dps = check_dps(dps)
    progress = NULL_PROGRESS if progress is None else progress
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out {out} exists and is not a directory")
    example_note = ""
    ex = None
    if params is None:
        ex = default_example(model)
        p = model.params(**ex["params"])
        example_note = ex.get("note", "")
    else:
        try:
            ex = default_example(model)
        except ParameterError:
            ex = dict(_GENERIC)
        p = params if not isinstance(params, Mapping) else model.params(**dict(params))
    n = int(ex["n"]) if n is None else n
    seeds = int(ex["seeds"]) if seeds is None else seeds
    times = list(ex["times"]) if times is None else list(times)
    if isinstance(sizes, str):
        if sizes.strip().lower() != "none":
            raise ParameterError(f"sizes={sizes!r}: give a list of sizes or 'none'")
        ladder = None
    else:
        ladder = list(ex.get("sizes") or []) if sizes is None else list(sizes)
        ladder = sorted(set(ladder) | {n}) if ladder else None
    out.mkdir(parents=True, exist_ok=True)

    timings: dict[str, float] = {}
    notes: list[str] = []

    # 0. validate everything cheap first (parameters, times, sizes), before minutes of work
    model.evaluate(p, list(times)[:1], dps=15)
    try:
        sim_plan = getattr(model.simulator(), "plan", None)
    except SymdynError:
        sim_plan = None
    if sim_plan is not None:
        for size in sorted(set(ladder or []) | {n}):
            sim_plan(p, times, n=size)

    # 1. derivation
    t0 = _time.perf_counter()
    deriv_res, deriv_err = None, ""
    try:
        deriv_res = model.derivation().verify(dps=derivation_dps, seed=seed, progress=progress)
    except (SymdynError, NotImplementedError, ImportError) as exc:
        deriv_err = str(exc)
        notes.append(f"derivation not available: {exc}")
    timings["derivation"] = _time.perf_counter() - t0

    # 2. boundaries and limit
    t0 = _time.perf_counter()
    bounds = []
    for q in model.quantity_specs:
        try:
            bounds.append((q.name, model.boundary(q.name, p, dps=dps), ""))
        except SymdynError as exc:
            bounds.append((q.name, None, str(exc)))
    lim, lim_err = None, ""
    try:
        lim = model.limit(p, dps=dps)
    except SymdynError as exc:
        lim_err = str(exc)
    timings["limit and boundaries"] = _time.perf_counter() - t0

    # 3. the check (with the ladder) and the trajectory table
    t0 = _time.perf_counter()
    res = check(model, p, n=n, seeds=seeds, times=times, seed=seed, level=level, dps=dps, sizes=ladder,
                progress=progress)
    timings["check"] = _time.perf_counter() - t0
    traj_times = res.times
    t0 = _time.perf_counter()
    traj = model.evaluate(res.theory_params, list(traj_times), dps=dps, observables=list(res.predictions.observables),
                          progress=progress)
    timings["evaluation"] = _time.perf_counter() - t0

    # 4. figures
    t0 = _time.perf_counter()
    files: list[Path] = []
    fig, _ = plot_check(res, model=model)
    files.append(save(fig, out / "trajectory.png"))
    conv_fig = None
    if res.convergence is not None:
        fig, _ = plot_convergence(res.convergence)
        files.append(save(fig, out / "convergence.png"))
        conv_fig = "convergence.png"
    sign_fig = None
    if res.sign is not None:
        fig, _ = plot_sign(res)
        files.append(save(fig, out / "sign.png"))
        sign_fig = "sign.png"
    timings["figures"] = _time.perf_counter() - t0

    # 5. the document
    given = " ".join(f"{k}={v}" for k, v in p.to_json().items() if k in p.given)
    command = command or f"symdyn report {model.name} {given} --out {out}".replace("  ", " ")
    settings = {"n": n, "seeds": seeds, "times": ",".join(str(t) for t in res.times), "seed": seed,
                "level": level, "dps": dps, "sizes": "none" if ladder is None else ",".join(map(str, ladder))}
    sections = [_params_section(model, p, example_note)]
    sections.append(_derivation_section(deriv_res, deriv_err))
    sections.append(_boundaries_section(bounds, dps))
    sections.append(_limit_section(lim, lim_err, dps))
    sections.append(_trajectory_section(traj, "trajectory.png"))
    sections.append(_check_section(res, sign_fig))
    if res.convergence is not None:
        sections.append(_convergence_section(res.convergence, conv_fig))
    timings["total"] = _time.perf_counter() - start
    sections.append(_repro_section(command, settings, timings))
    verdict_text = {"agree": "agrees with", "disagree": "disagrees with", "inconclusive": "could not be tested against"}
    deriv_text = ("" if deriv_res is None else
                  f"All {len(deriv_res.steps)} derivation steps verified. " if deriv_res.passed else
                  f"{len(deriv_res.failed)} of {len(deriv_res.steps)} derivation steps FAILED. ")
    abstract = (ltx.escape(f"{model.title}. Parameters: {given}. ") + deriv_text
                + ltx.escape(f"The theory {verdict_text[res.verdict]} finite-size simulations "
                             f"({' x '.join(str(v) for v in res.sizes.values())}, {res.trials} seeds) at "
                             f"family-wise level {level:g}")
                + ("" if res.convergence is None else
                   f"; the deviation from the theory scales like $n^{{{res.convergence.fit.slope:.2f}}}$") + ".")
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    tex = ltx.document(f"symdyn report: {model.name}", sections, author="symdyn", date=date, abstract=abstract,
                       bibliography=model.cite(), preamble=[r"\usepackage{graphicx}"])
    tex_path = out / "report.tex"
    tex_path.write_text(tex, encoding="utf-8")
    files.insert(0, tex_path)
    pdf_path = None
    if pdf:
        if shutil.which("pdflatex") is None:
            notes.append("pdflatex is not installed: wrote report.tex only")
        else:
            with tempfile.TemporaryDirectory(prefix="symdyn-report-") as tmp:
                for f in files:
                    if f.suffix == ".png":
                        shutil.copy(f, Path(tmp) / f.name)
                try:
                    built = ltx.compile_pdf(tex, tmp)
                    pdf_path = out / "report.pdf"
                    shutil.copy(built, pdf_path)
                    files.insert(1, pdf_path)
                except (ltx.LatexError, OSError) as exc:
                    log = Path(tmp) / "document.log"
                    if log.exists():
                        shutil.copy(log, out / "report.log")
                    notes.append(f"pdflatex failed ({exc}); see {out / 'report.log'}")

    summary = {
        "model": model.name,
        "params": p.to_json(),
        "example": params is None,
        "settings": {k: str(v) for k, v in settings.items()},
        "derivation": None if deriv_res is None else deriv_res.to_json(),
        "boundaries": {name: (b.to_json() if b is not None else {"error": err}) for name, b, err in bounds},
        "limit": None if lim is None else lim.to_json(),
        "trajectory": traj.to_json(),
        "check": res.to_json(),
        "files": [f.name for f in files] + ["summary.json"],
        "notes": notes,
    }
    timings["total"] = _time.perf_counter() - start
    summary["seconds"] = {k: f"{v:.3f}" for k, v in timings.items()}
    js = out / "summary.json"
    js.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    files.append(js)
    return Report(out=out, files=tuple(files), check=res, summary=summary, seconds=timings["total"],
                  notes=tuple(notes), pdf=pdf_path)
