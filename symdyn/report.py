"""The report: one command that runs every view a model declares and writes them up.

``report(model, params, out="report")`` runs, for each capability the model declares
(``Model.capabilities``), the derivation (every step verified), the quantities, the
final state (limit), the check against finite-size simulations (with a convergence
ladder in the simulator's size when the model expects a slope, and the finite-n sign
analysis when the model reports a sign risk) and the trajectory, draws the figures, adds
the model's own sections (``Model.report_sections``, given the :class:`ReportContext`),
and writes into ``out``:

* ``report.tex`` -- a self-contained LaTeX document with tables and figures
  (assembled with :mod:`symdyn.tex`), compiled to ``report.pdf`` when
  ``pdflatex`` is installed (``report.log`` holds pdflatex's errors if it fails);
* ``summary.json`` -- everything in the document as data (numbers as decimal strings);
* ``trajectory.png``, ``convergence.png`` and, when there is a sign risk, ``sign.png``.

With no parameters the model's built-in example is used (``Model.report_example``).
Bad input is found before any work and before ``out`` is created.
"""

from __future__ import annotations

import json
import math
import platform
import re
import shutil
import tempfile
import time as _time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import mpmath as mp
import sympy as sp

from . import tex as ltx
from .errors import ParameterError, SymdynError
from .outputs import check_output_dir
from .params import check_dps
from .progress import NULL_PROGRESS
from .check import observable_tex

if TYPE_CHECKING:  # pragma: no cover
    from .check import CheckResult
    from .models.base import Model
    from .params import Params

__all__ = ["report", "Report", "ReportContext", "default_example", "check_summary_tex"]

_GENERIC = {"n": 1000, "seeds": 20, "times": ["1", "2", "5", "10", "20"], "sizes": [250, 500, 1000]}


def default_example(model: "Model") -> dict[str, Any]:
    """The model's example: parameters and check settings (``n``, ``seeds``, ``times``, ``sizes``)."""
    ex = model.report_example
    if ex is None or not model.has("report"):
        raise ParameterError(f"model {model.name} has no built-in example: give its parameters, "
                             f"e.g. symdyn report {model.name} NAME=VALUE ...")
    return {**_GENERIC, **dict(ex)}


@dataclass(frozen=True)
class Report:
    """What :func:`report` wrote and computed."""

    out: Path
    files: tuple[Path, ...]
    check: "CheckResult | None"
    summary: Mapping[str, Any]
    seconds: float
    notes: tuple[str, ...] = ()
    pdf: Path | None = None


# ----------------------------------------------------------------------------- sections


def _params_text(model: "Model", params: "Params") -> str:
    """The given parameters as mathematics: ``$c = 1/2$, $\\theta = 6/5$``."""
    specs = {s.name: s for s in model.parameter_specs}
    out = []
    for name in params.values:
        if name not in params.given:
            continue
        spec, value = specs.get(name), params.values[name]
        if spec is not None and spec.latex and isinstance(value, sp.Basic):
            text = ltx.power_of_ten(value) or (sp.sstr(value) if value.is_Rational else ltx.latex(value))
            out.append(f"${spec.latex} = {text}$")
        else:
            out.append(f"{ltx.parameter_symbol(spec, name)} = {ltx.value(value)}")
    return ", ".join(out)


def _params_section(model: "Model", params: "Params", example_note: str) -> ltx.Section:
    specs = {s.name: s for s in model.parameter_specs}
    rows = []
    for name, value in params.values.items():
        spec = specs.get(name)
        src = "given" if name in params.given else "default"
        rows.append([ltx.parameter_symbol(spec, name), ltx.value(value), ltx.typeset(spec.meaning) if spec else "", src])
    body = [ltx.typeset(model.summary)]
    if example_note:
        body.append(r"\emph{Built-in example:} " + ltx.typeset(example_note) + ".")
    body.append(r"The parameters are listed in Table~\ref{tab:parameters}, the observables in "
                r"Table~\ref{tab:observables}.")
    body.append(ltx.table(["parameter", "value", "meaning", "source"], rows, "llp{8.2cm}l",
                          r"\refstepcounter{table}\label{tab:parameters}Table~\thetable: parameters (given or the "
                          r"default)."))
    obs = [["$" + o.latex + "$" if o.latex else ltx.escape(o.name.replace("_", " ")), ltx.typeset(o.meaning)]
           for o in model.observable_specs]
    body.append(ltx.table(["observable", "meaning"], obs, "lp{11cm}",
                          r"\refstepcounter{table}\label{tab:observables}Table~\thetable: the observables of the "
                          r"model."))
    return ltx.Section("Model and parameters", "\n\n".join(body))


def _derivation_section(result: Any, error: str) -> ltx.Section:
    """The derivation as ``symdyn derive --latex`` renders it (one renderer: ``Derivation.sections``)."""
    if result is None:
        return ltx.Section("Derivation", r"\emph{Not available:} " + ltx.escape(error))
    derivation = result.derivation
    intro = derivation.introduction.strip()
    head = derivation.summary(result)
    return ltx.Section("Derivation", (intro + "\n\n" if intro else "") + head, tuple(derivation.sections(result)))


def _indexed(latex: str, index: str | None, params: Any) -> str:
    """A quantity's symbol at the index value of *params* (``t_{k+1} - t_k`` at ``k = 2`` -> ``t_{3} - t_2``)."""
    if not latex or index is None or params is None or params.get(index) is None:
        return latex
    text = re.sub(r"(?<![A-Za-z\\])" + re.escape(index) + r"(?![A-Za-z])", str(params.get(index)), latex)
    return re.sub(r"\{(\d+)\s*([+-])\s*(\d+)\}",
                  lambda m: "{" + str(int(m.group(1)) + (1 if m.group(2) == "+" else -1) * int(m.group(3))) + "}", text)


def _family(keys: Sequence[str]) -> bool:
    """Keys that are the members of one indexed symbol (``c_1, c_2, c_3``)."""
    stems = {re.sub(r"_?\d+$", "", k) for k in keys}
    return len(keys) > 1 and len(stems) == 1 and all(re.search(r"\d$", k) for k in keys)


def _needed(pspecs: Mapping[str, Any], params: "Params", needs: Sequence[str]) -> list[str]:
    """The inputs in *needs* that *params* lacks, as LaTeX (``a|b``: either one; missing only if both are)."""
    out = []
    for need in needs:
        options = need.split("|")
        if any(params.get(o) is not None for o in options):
            continue
        out.append(" or ".join(
            f"{ltx.parameter_symbol(pspecs.get(o), o)} ({ltx.typeset(pspecs[o].meaning)})" if o in pspecs else ltx.escape(o)
            for o in options))
    return out


def _boundaries_section(model: "Model", params: "Params", items: Sequence[tuple[str, Any, str]],
                        dps: int) -> ltx.Section:
    rows, missing = [], []
    pspecs = {s.name: s for s in model.parameter_specs}
    for name, b, err in items:
        qname, _, member = name.partition(" (")    # "learning-time (k=2)": a member of an indexed quantity
        spec = model.quantity(qname)
        words = ltx.escape(qname.replace("-", " "))
        if member:
            index, _, i = member.rstrip(")").partition("=")
            words += f" (${index} = {i}$)"
        if b is None:
            absent = _needed(pspecs, params, spec.needs)
            if absent:
                why = ("it needs " + ", ".join(absent) + (", which is" if len(absent) == 1 else ", which are")
                       + " not given")
            elif isinstance(err, ltx.Prose):
                why = err.latex
            else:
                why = "it is not defined for these parameters"
            missing.append(r"\item " + words + (" $" + spec.latex + "$" if spec.latex else "") + ": " + why + ".")
            continue
        family = _family(list(b.values))
        for j, (key, value) in enumerate(b.values.items()):
            exact = b.exact.get(key)
            symbol = ("$" + _indexed(spec.latex, spec.index, b.params) + "$" if spec.latex and j == 0 and not family
                      else ltx.name_symbol(key))
            rows.append([words if j == 0 else "", symbol, ltx.inline(exact) if exact is not None else "--",
                         ltx.number(value, min(dps, 20))])
    body = ltx.table(["quantity", "symbol", "closed form", "value"], rows, "lllr",
                     f"Values to {min(dps, 20)} significant digits; a quantity with several values lists them on "
                     "consecutive rows, its main value first.")
    if missing:
        body += "\n\nNot computed:\n\\begin{itemize}\n" + "\n".join(missing) + "\n\\end{itemize}"
    return ltx.Section("Boundaries and constants", body)


def _limit_section(model: "Model", lim: Any, err: str, dps: int) -> ltx.Section:
    if lim is None:
        return ltx.Section("Large-time limit", r"\emph{Not available:} " + ltx.typeset(err))
    body = [f"Regime: \\textbf{{{ltx.escape(str(lim.regime).replace('-', ' '))}}}: " + ltx.typeset(lim.conditions)
            + "."]
    rows = [["$\\lim_{t\\to\\infty} " + observable_tex(model, k) + "$",
             ltx.inline(lim.exact[k]) if k in lim.exact else "--", ltx.number(v, min(dps, 20))]
            for k, v in lim.values.items()]
    body.append(ltx.table(["observable", "limit (closed form)", "value"], rows, "llr"))
    if lim.decay is not None:
        d = lim.decay
        text = "Approach to the limit: " + ltx.typeset(d.law)
        if d.time_scale is not None:
            text += ", time scale " + ltx.number(d.time_scale, 8)
        if d.note:
            text += "; " + ltx.typeset(d.note)
        body.append(text + ".")
    if lim.check is not None:
        c = lim.check
        verdict = {True: "passed", False: "FAILED", None: "not performed"}[c.passed]
        body.append(f"Numerical check ({verdict}): " + ltx.typeset(c.description)
                    + ("" if c.relative_deviation is None else
                       f"; relative deviation {ltx.number(c.relative_deviation, 3)}") + ".")
    return ltx.Section("Large-time limit", "\n\n".join(body))


#: Observables per table of the trajectory section (more are split over several tables).
TABLE_COLUMNS = 4
#: Rows per table of the check section (a table does not break across pages: more rows continue in another).
TABLE_ROWS = 40


def _trajectory_section(model: "Model", traj: Any, fig: str | None) -> ltx.Section:
    names = list(traj.observables)
    err = traj.max_error()
    body = [f"The deterministic equivalents of Table~\\ref{{tab:trajectory}} are computed at {traj.dps} digits and "
            f"shown to 15 significant digits"
            + (" (Figure~\\ref{fig:trajectory} compares them with the simulation)" if fig else "")
            + ". Method: " + ltx.typeset(traj.method)
            + f". Largest error estimate (difference of two independent evaluations): {ltx.number(err, 3)}."]
    for start in range(0, len(names), TABLE_COLUMNS):
        chunk = names[start:start + TABLE_COLUMNS]
        header = ["$" + traj.time_name + "$"] + ["$" + observable_tex(model, o) + "$" for o in chunk]
        rows = [[ltx.inline(t)] + [ltx.number(traj.observables[o][j].value, 15) for o in chunk]
                for j, t in enumerate(traj.times)]
        caption = (r"\refstepcounter{table}\label{tab:trajectory}Table~\thetable: deterministic equivalents."
                   if start == 0 else "")
        body.append(ltx.table(header, rows, "r" * len(header), caption))
    if traj.notes:
        body.append("Notes: " + "; ".join(ltx.typeset(n) for n in traj.notes) + ".")
    if fig:
        body.append(ltx.figure(fig, "Theory (lines, dense grid) with the simulation means and 95\\% error bars at the "
                                 "checked times; faint dots are the individual trials (raw values).",
                               label="fig:trajectory"))
    return ltx.Section("Trajectory", "\n\n".join(body))


def _check_section(model: "Model", res: "CheckResult", sign_fig: str | None) -> ltx.Section:
    sim = res.simulation
    sizes = " \\times ".join(f"{k} = {v}" for k, v in res.sizes.items())
    verdict = {"agree": r"\textbf{the theory agrees with the simulation}",
               "disagree": r"\textbf{the theory DISAGREES with the simulation}",
               "inconclusive": r"\textbf{inconclusive} (no row could be tested)"}[res.verdict]
    if res.weak_evidence:
        verdict += (f", with weak evidence (a true theory fails up to {100 * res.level:g}\\% of such checks: to be "
                    "confirmed with other seeds)")
    body = [
        f"Simulation: ${sizes}$, {res.trials} independent trials from root seed {res.seed} (how the trials' "
        f"random streams derive from it: Section~\\ref{{sec:reproducibility}}), simulation method "
        f"\\emph{{{ltx.escape(sim.method)}}}, {sim.seconds:.1f}\\,s. Table~\\ref{{tab:rows}} lists the rows.",
        _test_text(res, verdict),
    ]
    tolerant = any(r.test == "tolerance" for r in res.rows)
    rows = []
    for r in res.rows:
        test = {"mean": "mean", "paired": "paired", "tolerance": "tolerance", "amplitude-corrected": "corrected",
                "excluded": "excluded"}[r.test]
        if r.rejected:
            test = r"\textbf{rejected}"
        t = "--" if r.t is None else ltx.inline(r.t)
        if tolerant:
            tol = "--" if r.tolerance is None else ltx.number(r.tolerance[1], 3) + " + " + ltx.number(r.tolerance[0], 3) + r"$|p|$"
            rows.append(["$" + ltx.without_time(observable_tex(model, r.observable)) + "$", t, ltx.number(r.theory, 10),
                         ltx.number(r.mean, 8), ltx.number(r.max_deviation, 3), tol, test])
        else:
            rows.append(["$" + ltx.without_time(observable_tex(model, r.observable)) + "$", t, ltx.number(r.theory, 10),
                         ltx.number(r.mean, 8),
                         ltx.number(r.stderr, 3), ltx.number(r.z, 3), ltx.number(r.p_adjusted, 3), test])
    tname = "$" + res.time_name + "$"
    label = r"\refstepcounter{table}\label{tab:rows}Table~\thetable: theory against the simulation, row by row."
    if tolerant:
        header, align = ["obs.", tname, "theory", "mean", "max dev.", "tolerance", "test"], "lrrrrll"
    else:
        header, align = ["obs.", tname, "theory", "mean", "s.e.", "$z$", "$p_{\\mathrm{Holm}}$", "test"], "lrrrrrrl"
    parts = max(1, -(-len(rows) // TABLE_ROWS))   # a table does not break across pages: continue it, in equal parts
    size = -(-len(rows) // parts) if rows else 1
    for start in range(0, max(len(rows), 1), size):
        body.append(ltx.table(header, rows[start:start + size], align,
                              label if start == 0 else r"Table~\ref{tab:rows}, continued."))
    if res.caveats:
        body.append("Caveats:\n\\begin{itemize}\n" + "\n".join(r"\item " + ltx.typeset(c) for c in res.caveats)
                    + "\n\\end{itemize}")
    subs = []
    if res.sign is not None:
        s = res.sign
        obs = "not recorded by the simulator" if s.observed_wrong is None else (
            f"{s.wrong_trials}/{s.trials} = {s.observed_wrong:.3g} (95\\% Wilson interval "
            f"{s.interval[0]:.3g}--{s.interval[1]:.3g}; exact binomial test against the prediction: $p$ = "
            f"{ltx.number(s.binomial_p, 3)})")
        sb = [ltx.typeset(s.description)[:1].upper() + ltx.typeset(s.description)[1:] + ".",
              f"Predicted wrong-sign probability {s.predicted_wrong:.3g} ($|{s.amplitude_latex}|/\\sigma_n$ = "
              f"{s.ratio:.3g}); observed "
              + obs + ".",
              "Treatment: " + ltx.typeset(s.treatment) + "."]
        if s.amplitude_sd is not None:
            sb.append(f"Observed amplitude mean {s.amplitude_mean:.4g} and s.d. {s.amplitude_sd:.4g} against "
                      f"${s.amplitude_latex}$ = {s.amplitude:.4g} and $\\sigma_n$ = {s.sigma:.4g}.")
        if sign_fig:
            sb.append("Figure~\\ref{fig:sign} shows the realised amplitudes.")
            sb.append(ltx.figure(sign_fig, "Realised finite-$n$ values of the " + ltx.typeset(s.amplitude_label)
                                 + " of the trials against the predicted normal law; the shaded area is the "
                                   "predicted wrong-sign probability.", "0.75\\linewidth", label="fig:sign"))
        subs.append(ltx.Section("Finite-$n$ sign risk", "\n\n".join(sb)))
    return ltx.Section("Theory against simulation", "\n\n".join(body), tuple(subs))


def _convergence_section(conv: Any, fig: str | None) -> ltx.Section:
    rows = [[str(p.n), "$" + " \\times ".join(str(v) for v in p.sizes.values()) + "$", str(p.trials),
             ltx.number(p.rms, 4), ltx.number(p.rms_stderr, 2), ltx.number(p.sqrt_n_rms, 4), ltx.number(p.bias_rms, 3), ltx.number(p.bias_upper, 3)]
            for p in conv.points]
    f = conv.fit
    lo, hi = f.interval
    body = [
        "At each size the trials' deviations from the prediction are pooled over the rows: "
        "$\\mathrm{RMS} = (\\frac{1}{TR}\\sum_{i,j}(x_{ij} - x_j)^2)^{1/2}$, with a delta-method standard error "
        "from the per-trial mean squares. The bias is the part that does not average out, "
        "$(\\frac1R\\sum_j (\\bar x_j - x_j)^2 - \\hat s_j^2)^{1/2}$, with a one-sided 95\\% upper bound. "
        "The ladder point at the check's own size reuses its simulation; the others use a root seed derived from "
        "the check's root seed and the size (Section~\\ref{sec:reproducibility}). "
        + ("Figure~\\ref{fig:convergence} shows the ladder." if fig else ""),
        ltx.table(["$n$", "sizes", "trials", "RMS", "s.e.", "$\\sqrt n\\,$RMS", "bias", "bias (95\\% upper)"], rows,
               "rrrrrrrr"),
        f"Weighted least-squares fit of $\\log \\mathrm{{RMS}}$ on $\\log n$: slope {f.slope:.3f}, "
        f"{int(round(100 * f.confidence))}\\% interval [{lo:.3f}, {hi:.3f}] ($\\chi^2$ = {f.chi2:.3g} with "
        f"{f.dof} degrees of freedom, Birge ratio {f.birge:.3g}; "
        + (f"the scale of the errors is estimated from the residuals, Student-$t$ quantile with {f.dof} degrees "
           "of freedom). " if f.dof > 0 else "two sizes: the per-size errors are trusted, normal quantile). ")
        + _expected_text(conv)
        + ("At every size the bias is below the fluctuations." if conv.bias_below_fluctuation
           else "The bias is \\textbf{not} below the fluctuations at every size."),
    ]
    for note in conv.notes:
        body.append(r"\emph{Note:} " + ltx.escape(note) + ".")
    if fig:
        body.append(ltx.figure(fig, f"Deviation from the theory against ${conv.size_name}$ (log-log), with the fitted "
                                 "power law and a guide of the expected slope.", "0.75\\linewidth",
                               label="fig:convergence"))
    return ltx.Section(f"Convergence in ${conv.size_name}$", "\n\n".join(body))


def _test_text(res: "CheckResult", verdict: str) -> str:
    from .check import PairedTest, Tolerance

    if isinstance(res.comparison, Tolerance):
        c = res.comparison
        each = (r"with $a$ and $r$ set per observable (the tolerance column of Table~\ref{tab:rows})" if c.per_name
                else f"with $a = {c.abs:g}$ and $r = {c.rel:g}$")
        return (f"Comparison: every trial within $a + r\\,|p|$ of its prediction $p$, {each}, plus the "
                f"prediction's own error estimate; a deterministic comparison over {res.trials} "
                f"trial{'s' if res.trials != 1 else ''}, with no false-alarm rate. Verdict: {verdict}.")
    paired = isinstance(res.comparison, PairedTest)
    stat = ("the mean per-trial residual $\\bar d = \\overline{x_i - x_{i,\\mathrm{theory}}}$ against its standard "
            "error $\\hat s$ (per-trial predictions), $z = \\bar d/\\hat s$" if paired else
            "$z = (\\bar x - x_{\\mathrm{theory}})/\\hat s$ with the standard error of the mean $\\hat s$")
    return ("Test: for each observable and time, " + stat + f"; two-sided Student-$t$ $p$-value with {res.trials - 1} "
            f"degrees of freedom; Holm's step-down procedure over all {len(res.tested_rows)} tested rows at "
            f"family-wise level {res.level:g} (valid under any dependence between the rows, which share trials). "
            f"Verdict: {verdict} (smallest Holm-adjusted $p$ = {ltx.number(res.min_p_adjusted, 3)}, "
            f"largest $|z|$ = {ltx.number(res.max_abs_z, 3)}).")


def check_summary_tex(model: "Model", res: "CheckResult") -> str:
    """A check's verdict and its statistic as one LaTeX sentence (the report's form of ``CheckResult.summary``).

    For the sections a model adds to its report (``Model.report_sections``).
    """
    from .check import Tolerance

    if res.verdict == "inconclusive":
        return "no row could be tested"
    verdict = "the theory agrees with the simulation" if res.passed else r"the theory \textbf{disagrees} with the simulation"
    n_rej = len(res.rejected_rows)
    rejected = f", {n_rej} row{'s' if n_rej != 1 else ''} rejected" if n_rej else ""

    def where(row) -> str:
        symbol = "$" + ltx.without_time(observable_tex(model, row.observable)) + "$"
        return symbol + ("" if row.t is None else f" at ${res.time_name} = {row.t}$")

    if isinstance(res.comparison, Tolerance):
        worst = max(res.tested_rows, key=lambda r: r.tolerance_ratio)
        return (f"{verdict} within the stated tolerances over {len(res.tested_rows)} rows and {res.trials} "
                f"trial{'s' if res.trials != 1 else ''} (largest deviation relative to its tolerance "
                f"{ltx.number(worst.tolerance_ratio, 3)}, for {where(worst)}){rejected}")
    worst = max(res.tested_rows, key=lambda r: abs(r.z) if math.isfinite(r.z) else -1.0)
    return (f"{verdict} at family-wise level {res.level:g} (Holm over {len(res.tested_rows)} rows): smallest "
            f"adjusted $p$ = {ltx.number(res.min_p_adjusted, 3)}, largest $|z|$ = {ltx.number(abs(worst.z), 3)} "
            f"(for {where(worst)}){rejected}")


def _expected_text(conv: Any) -> str:
    ok = conv.consistent_with_expected
    if ok is None:
        return ""
    e = conv.expected_slope
    return (f"The interval contains {e:g}: consistent with the model's expected ${conv.size_name}^{{{e:g}}}$. " if ok
            else f"The interval does \\textbf{{not}} contain the expected {e:g}. ")


def _repro_section(command: str, settings: Mapping[str, Any], timings: Mapping[str, float]) -> ltx.Section:
    import matplotlib
    import numpy
    import scipy

    from . import __version__

    lines = [f"Command: {ltx.code(command)}",
             "Trial $i$ of $T$ trials with root seed $s$ draws its instance from "
             r"\texttt{SeedSequence(s).spawn(T)[i]} (NumPy); a point of a convergence ladder at size $n$ uses the "
             r"root \texttt{SeedSequence([s, n])}.",
             "Settings: " + ltx.escape(", ".join(f"{k} = {v}" for k, v in settings.items())) + ".",
             "Timings: " + ltx.escape(", ".join(f"{k} {v:.1f} s" for k, v in timings.items())) + ".",
             "Software: " + ltx.escape(f"symdyn {__version__}, Python {platform.python_version()}, "
                                       f"numpy {numpy.__version__}, scipy {scipy.__version__}, "
                                       f"sympy {sp.__version__}, mpmath {mp.__version__}, "
                                       f"matplotlib {matplotlib.__version__}") + "."]
    return ltx.Section("Reproducibility", "\n\n".join(lines), label="sec:reproducibility")


# ----------------------------------------------------------------------------- the report


@dataclass
class ReportContext:
    """Everything one report computed, handed to ``Model.report_sections`` for model-supplied sections."""

    model: "Model"
    params: "Params"
    settings: dict[str, Any]
    out: Path
    derivation: Any = None
    derivation_error: str = ""
    quantities: list[tuple[str, Any, str]] = field(default_factory=list)
    limit: Any = None
    limit_error: str = ""
    check: "CheckResult | None" = None
    trajectory: Any = None
    figures: dict[str, Path] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def _settings(model: "Model", params: Any, *, n, seeds, times, sizes, seed, level, dps, derivation_dps
              ) -> tuple["Params", dict[str, Any], str]:
    """Parameters and check settings (the example's where not given); validated, nothing computed."""
    example_note = ""
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
    times = list(ex["times"]) if times is None else list(times)
    simulator = model.simulator() if model.has("simulate") else None
    if simulator is not None and simulator.size_parameter is not None:
        n = simulator.resolve_size(p, n)     # the parameters fix the size
    else:
        n = int(ex["n"]) if n is None else n
    seeds = int(ex["seeds"]) if seeds is None else seeds
    if isinstance(sizes, str):
        if sizes.strip().lower() != "none":
            raise ParameterError(f"sizes={sizes!r}: give a list of sizes or 'none'")
        ladder = None
    else:
        ladder = list(ex.get("sizes") or []) if sizes is None else list(sizes)
        ladder = sorted(set(ladder) | {n}) if ladder and model.convergence_slope is not None else None
    settings = {"n": n, "seeds": seeds, "times": times, "seed": seed, "level": level, "dps": check_dps(dps),
                "sizes": ladder, "derivation_dps": check_dps(derivation_dps)}
    return p, settings, example_note


def _validate(model: "Model", p: "Params", s: Mapping[str, Any]) -> None:
    """The cheap checks (parameters, times, sizes and memory) before minutes of work."""
    if model.has("evaluate"):
        model.evaluate(p, list(s["times"])[:1], dps=15)
    else:
        model.parse_times(p, list(s["times"]))
    if model.has("simulate"):
        sim = model.simulator()
        for size in sorted(set(s["sizes"] or []) | {s["n"]}):
            sim.plan(p, s["times"], n=size)


def _compute(ctx: ReportContext, progress: Any) -> None:
    """Run every view the model declares (each failure of a view becomes a note, not a crash)."""
    from .check import check

    model, p, s = ctx.model, ctx.params, ctx.settings
    t0 = _time.perf_counter()
    if model.has("derivation"):
        try:
            ctx.derivation = model.derivation().verify(dps=s["derivation_dps"], seed=s["seed"], progress=progress)
        except (SymdynError, NotImplementedError, ImportError) as exc:
            ctx.derivation_error = str(exc)
            ctx.notes.append(f"derivation not available: {exc}")
        ctx.timings["derivation"] = _time.perf_counter() - t0
    t0 = _time.perf_counter()
    if model.has("boundary"):
        for q in model.quantity_specs:
            members = q.members(p) if q.index is not None and q.index not in p else ()
            cases = [(f"{q.name} ({q.index}={i})", p.replace(**{q.index: sp.Integer(i)})) for i in members]
            for label, qp in cases or [(q.name, p)]:
                try:
                    ctx.quantities.append((label, model.boundary(q.name, qp, dps=s["dps"]), ""))
                except SymdynError as exc:
                    ctx.quantities.append((label, None, str(exc)))
    if model.has("limit"):
        try:
            ctx.limit = model.limit(p, dps=s["dps"])
        except SymdynError as exc:
            ctx.limit_error = str(exc)
    ctx.timings["limit and quantities"] = _time.perf_counter() - t0
    theory_params, times = p, s["times"]
    if model.has("simulate"):
        t0 = _time.perf_counter()
        ctx.check = check(model, p, size=s["n"], seeds=s["seeds"], times=times, seed=s["seed"], level=s["level"],
                          dps=s["dps"], sizes=s["sizes"], progress=progress)
        ctx.timings["check"] = _time.perf_counter() - t0
        theory_params, times = ctx.check.theory_params, list(ctx.check.times)
    if model.has("evaluate"):
        t0 = _time.perf_counter()
        obs = None if ctx.check is None else list(ctx.check.predictions.observables)
        ctx.trajectory = model.evaluate(theory_params, list(times), dps=s["dps"], observables=obs, progress=progress)
        ctx.timings["evaluation"] = _time.perf_counter() - t0


def _figures(ctx: ReportContext) -> list[Path]:
    from .plot import plot_check, plot_convergence, plot_sign, save

    t0 = _time.perf_counter()
    files: list[Path] = []
    res = ctx.check
    if res is not None:
        fig, _ = plot_check(res, model=ctx.model)
        ctx.figures["trajectory"] = save(fig, ctx.out / "trajectory.png")
        if res.convergence is not None:
            fig, _ = plot_convergence(res.convergence)
            ctx.figures["convergence"] = save(fig, ctx.out / "convergence.png")
        if res.sign is not None:
            fig, _ = plot_sign(res)
            ctx.figures["sign"] = save(fig, ctx.out / "sign.png")
    files += list(ctx.figures.values())
    ctx.timings["figures"] = _time.perf_counter() - t0
    return files


def _sections(ctx: ReportContext, example_note: str, command: str) -> list[ltx.Section]:
    model, s = ctx.model, ctx.settings
    fig = {k: v.name for k, v in ctx.figures.items()}
    sections = [_params_section(model, ctx.params, example_note)]
    if model.has("derivation"):
        sections.append(_derivation_section(ctx.derivation, ctx.derivation_error))
    if model.has("boundary"):
        sections.append(_boundaries_section(model, ctx.params, ctx.quantities, s["dps"]))
    if model.has("limit"):
        sections.append(_limit_section(model, ctx.limit, ctx.limit_error, s["dps"]))
    if ctx.trajectory is not None:
        sections.append(_trajectory_section(model, ctx.trajectory, fig.get("trajectory")))
    if ctx.check is not None:
        sections.append(_check_section(model, ctx.check, fig.get("sign")))
        if ctx.check.convergence is not None:
            sections.append(_convergence_section(ctx.check.convergence, fig.get("convergence")))
    t0 = _time.perf_counter()
    sections += list(model.report_sections(ctx))
    ctx.timings["model sections"] = _time.perf_counter() - t0
    ctx.timings["total"] = sum(v for k, v in ctx.timings.items() if k != "total")
    if ctx.figures and sections:
        sections[-1] = _flush_floats(sections[-1])
    sections.append(_repro_section(command, _settings_text(s), ctx.timings))
    return sections


def _flush_floats(sec: ltx.Section) -> ltx.Section:
    """The section with ``\\clearpage`` at its end: figures still floating are set before the next section (the
    reproducibility section), not after it."""
    if sec.subsections:
        return replace(sec, subsections=sec.subsections[:-1] + (_flush_floats(sec.subsections[-1]),))
    return replace(sec, body=sec.body + "\n\n\\clearpage")


def _settings_text(s: Mapping[str, Any]) -> dict[str, str]:
    return {"n": str(s["n"]), "seeds": str(s["seeds"]), "times": ",".join(str(t) for t in s["times"]),
            "seed": str(s["seed"]), "level": f"{s['level']:g}", "dps": str(s["dps"]),
            "sizes": "none" if not s["sizes"] else ",".join(map(str, s["sizes"]))}


def _abstract(ctx: ReportContext) -> str:
    d, res = ctx.derivation, ctx.check
    text = ltx.escape(f"{ctx.model.title}. ") + "Parameters: " + _params_text(ctx.model, ctx.params) + ". "
    if d is not None:
        text += (f"All {len(d.steps)} derivation steps verified. " if d.passed else
                 f"{len(d.failed)} of {len(d.steps)} derivation steps FAILED. ")
    if res is not None:
        verdict = {"agree": "agrees with", "disagree": "disagrees with", "inconclusive": "could not be tested against"}
        text += (ltx.escape(f"The theory {verdict[res.verdict]} finite-size simulations (")
                 + "$" + " \\times ".join(str(v) for v in res.sizes.values()) + "$"
                 + ltx.escape(f", {res.trials} seed{'s' if res.trials != 1 else ''})"
                              + (f" at family-wise level {res.level:g}" if res.comparison.name != "tolerance"
                                 else " within the stated tolerances")))
        if res.convergence is not None:
            text += f"; the deviation from the theory scales like ${res.convergence.size_name}^{{{res.convergence.fit.slope:.2f}}}$"
        text += "."
    return text


def _compile(tex: str, out: Path, files: list[Path], notes: list[str]) -> Path | None:
    if shutil.which("pdflatex") is None:
        notes.append("pdflatex is not installed: wrote report.tex only")
        return None
    with tempfile.TemporaryDirectory(prefix="symdyn-report-") as tmp:
        for f in files:
            if f.suffix == ".png":
                shutil.copy(f, Path(tmp) / f.name)
        try:
            built = ltx.compile_pdf(tex, tmp)
        except (ltx.LatexError, OSError) as exc:
            log = Path(tmp) / "document.log"
            if log.exists():
                shutil.copy(log, out / "report.log")
            notes.append(f"pdflatex failed ({exc}); see {out / 'report.log'}")
            return None
        pdf_path = out / "report.pdf"
        shutil.copy(built, pdf_path)
        return pdf_path


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
    """Run every view the model declares for one parameter set and write the report into ``out``.

    Sections come from the model's capabilities (a model without a limit has no limit
    section) plus the model's own ``report_sections``.

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
    start = _time.perf_counter()
    progress = NULL_PROGRESS if progress is None else progress
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ParameterError(f"--out {out} exists and is not a directory")
    p, settings, example_note = _settings(model, params, n=n, seeds=seeds, times=times, sizes=sizes, seed=seed,
                                          level=level, dps=dps, derivation_dps=derivation_dps)
    _validate(model, p, settings)
    check_output_dir(out, "out")
    out.mkdir(parents=True, exist_ok=True)
    ctx = ReportContext(model=model, params=p, settings=settings, out=out)
    _compute(ctx, progress)
    files = _figures(ctx)

    given = " ".join(f"{k}={v}" for k, v in p.to_json().items() if k in p.given)
    command = command or f"symdyn report {model.name} {given} --out {out}".replace("  ", " ")
    sections = _sections(ctx, example_note, command)
    files += [f for f in ctx.figures.values() if f not in files]  # figures of the model's own sections
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    tex = ltx.document(f"symdyn report: {model.name}", sections, author="symdyn", date=date,
                       abstract=_abstract(ctx), bibliography=model.cite(), preamble=[r"\usepackage{graphicx}"])
    tex_path = out / "report.tex"
    tex_path.write_text(tex, encoding="utf-8")
    files.insert(0, tex_path)
    pdf_path = _compile(tex, out, files, ctx.notes) if pdf else None
    if pdf_path is not None:
        files.insert(1, pdf_path)
    res = ctx.check
    summary = {
        "model": model.name,
        "params": p.to_json(),
        "params_exact": p.exact_json(),
        "example": params is None,
        "settings": _settings_text(settings),
        "capabilities": sorted(model.capabilities),
        "derivation": None if ctx.derivation is None else ctx.derivation.to_json(),
        "boundaries": {name: (b.to_json() if b is not None else {"error": err}) for name, b, err in ctx.quantities},
        "limit": None if ctx.limit is None else ctx.limit.to_json(),
        "trajectory": None if ctx.trajectory is None else ctx.trajectory.to_json(),
        "check": None if res is None else res.to_json(),
        "files": [f.name for f in files] + ["summary.json"],
        "notes": ctx.notes,
    }
    ctx.timings["total"] = _time.perf_counter() - start
    summary["seconds"] = {k: f"{v:.3f}" for k, v in ctx.timings.items()}
    js = out / "summary.json"
    js.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    files.append(js)
    return Report(out=out, files=tuple(files), check=res, summary=summary, seconds=ctx.timings["total"],
                  notes=tuple(ctx.notes), pdf=pdf_path)
