"""``symdyn check`` (theory or a user's predictions against simulation) and ``symdyn report``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click

from ..errors import ParameterError
from ..exact import short_text
from ..outputs import check_output_dir, check_output_file
from ..params import parse_number
from .common import console as make_console
from .common import (
    DPS_OPTION, JSON_OPTION, emit_json, load_model, load_params, parse_assignments, progress_meter, split_names,
    split_times, whole_number,
)

__all__ = ["check_cmd", "report_cmd"]

def _sizes(text: str | None, name: str = "--sizes") -> list[int] | None:
    if text is None:
        return None
    parts = [x.strip() for x in text.split(",")]
    if any(not x for x in parts):
        raise ParameterError(f"{name} {text!r} has an empty entry: use a list like 250,500,1000,2000")
    out = [whole_number(x, name, 2) for x in parts]
    if len(out) < 2 or len(set(out)) != len(out):
        raise ParameterError(f"{name} {text!r}: give at least two different sizes, e.g. 250,500,1000,2000")
    return out


def _level(text: str) -> float:
    try:
        value = parse_number(text)
    except ParameterError as exc:
        raise ParameterError(f"--level: {exc}") from None
    if not 0 < value < 1:
        raise ParameterError(f"--level {text} must be strictly between 0 and 1 (e.g. 0.05)")
    return float(value)


def _plot_path(text: str | None) -> Path | None:
    """The --plot file, checked writable before any work (its -convergence/-sign siblings share its directory)."""
    if text is None:
        return None
    return check_output_file(text, "--plot", (".png", ".pdf", ".svg"))


def _sibling(path: Path, tag: str) -> Path:
    return path.with_name(f"{path.stem}-{tag}{path.suffix}")


def _g(x: Any, digits: int = 6) -> str:
    if x is None:
        return "-"
    x = float(x)
    if math.isnan(x):
        return "-"
    return f"{x:.{digits}g}"


def _print_check(result: Any) -> None:
    from rich.table import Table

    console = make_console()
    given = " ".join(f"{k}={v}" for k, v in result.params.to_json().items() if k in result.params.given)
    sizes = " x ".join(f"{k}={v}" for k, v in result.sizes.items())
    console.print(f"[bold]{result.model}[/bold] {given}")
    console.print(f"simulation: {sizes}, {result.trials} seeds (root seed {result.seed}), "
                  f"method {result.simulation.method}, {result.simulation.seconds:.3g} s; "
                  + ("theory" if result.source == "theory" else f"predictions from {result.source}")
                  + f" at {result.dps} digits")
    corrected = any(r.test == "amplitude-corrected" for r in result.rows)
    tolerant = any(r.test == "tolerance" for r in result.rows)
    table = Table(show_header=True, header_style="bold")
    cols = ["observable", result.time_name, "prediction", "mean"]
    cols += ["max deviation", "tolerance"] if tolerant else ["stderr", "z"]
    cols += ["raw z"] if corrected else []
    cols += [] if tolerant else ["p", "p (Holm)"]
    cols += ["test"]
    for col in cols:
        table.add_column(col, justify="left" if col in ("observable", "test") else "right", no_wrap=True)
    short = {"mean": "mean", "paired": "paired", "tolerance": "tolerance", "amplitude-corrected": "corrected",
             "excluded": "excluded"}
    for r in result.rows:
        theory = "-" if r.theory is None else _g(r.theory, 10)
        mark = "[red]" if r.rejected else ""
        cells = [r.observable, "-" if r.t is None else short_text(r.t), theory, _g(r.mean, 8)]
        if tolerant:
            tol = "-" if r.tolerance is None else f"{_g(r.tolerance[1], 3)} + {_g(r.tolerance[0], 3)}|p|"
            cells += [mark + _g(r.max_deviation, 3), tol]
        else:
            cells += [_g(r.stderr, 3), mark + _g(r.z, 3)]
        if corrected:
            cells.append(_g(r.raw_z, 3))
        if not tolerant:
            cells += [_g(r.p, 3), mark + _g(r.p_adjusted, 3)]
        cells.append(short[r.test] + (" [red]REJECTED" if r.rejected else ""))
        table.add_row(*cells)
    console.print(table)
    style = "green" if result.passed else "red"
    console.print(f"[{style}]{result.summary()}[/{style}]")
    for c in result.caveats:
        console.print(f"caveat: {c}")
    if result.sign is not None:
        s = result.sign
        obs = "not recorded" if s.observed_wrong is None else (
            f"{s.wrong_trials}/{s.trials} = {s.observed_wrong:.3g} (95% interval {s.interval[0]:.3g}-{s.interval[1]:.3g},"
            f" binomial p = {s.binomial_p:.3g} against the prediction)")
        console.print(f"sign risk: predicted wrong-sign probability {s.predicted_wrong:.3g}, observed {obs}")
        console.print(f"sign risk: {s.treatment}")
    if result.convergence is not None:
        conv = result.convergence
        t2 = Table(show_header=True, header_style="bold", title="convergence in n")
        for col in ("n", "sizes", "trials", "RMS deviation", "stderr", "sqrt(n) RMS", "bias", "bias (95% upper)"):
            t2.add_column(col, justify="right")
        for p in conv.points:
            t2.add_row(str(p.n), " x ".join(str(v) for v in p.sizes.values()), str(p.trials), _g(p.rms, 4),
                       _g(p.rms_stderr, 2), _g(p.sqrt_n_rms, 4), _g(p.bias_rms, 3), _g(p.bias_upper, 3))
        console.print(t2)
        console.print(conv.summary())
        for note in conv.notes:
            console.print(f"note: {note}")


@click.command("check")
@click.argument("model_name", metavar="MODEL")
@click.argument("assignments", nargs=-1, metavar="NAME=VALUE...")
@click.option("--n", "n_text", default=None, metavar="N",
              help="Size of the simulation (the model simulator's size, e.g. rank-one columns n with p = round(c n)); "
                   "default: the largest of --sizes, or the parameter that fixes it (e.g. d).")
@click.option("--seeds", "seeds_text", default=None, metavar="S",
              help="Number of independent trials (>= 2 for the statistical tests, >= 1 with a tolerance); "
                   "default 20, or 1 for a deterministic simulator.")
@click.option("--t", "times_text", default=None, metavar="T1,T2,...",
              help="Comma-separated times (step counts with eta=...); default with --against: the file's times.")
@click.option("--seed", "seed_text", default="0", show_default=True, metavar="ROOT",
              help="Root seed: trial i uses SeedSequence(ROOT).spawn(S)[i].")
@click.option("--against", "against", default=None, metavar="FILE",
              help='Check your own predictions: JSON like `symdyn eval --json`, '
                   '{"times": [...], "observables": {"m_u": [...], ...}}.')
@click.option("--allow-mismatch", "allow_mismatch", is_flag=True,
              help="Compare an --against file although it records another model or other parameters.")
@click.option("--sizes", "sizes_text", default=None, metavar="N1,N2,...",
              help="Also run a ladder of sizes and fit how the deviation scales with n.")
@click.option("--level", "level_text", default="0.05", show_default=True, metavar="L",
              help="False-alarm rate of the verdict over all rows together (Holm).")
@click.option("--observables", "obs_text", default=None, metavar="O1,O2,...",
              help="Observables to check (default: the simulator's, or the file's with --against).")
@click.option("--method", default="auto", show_default=True, metavar="M",
              help="Simulator method: auto or one of the simulator's (e.g. gram, lanczos, gd-iterate, ode, expm).")
@click.option("--compare", "compare", default=None, metavar="HOW",
              help="mean (Student-t of the mean, Holm), paired (per-trial residuals, Holm) or tolerance "
                   "(with --tolerance); default: the model's.")
@click.option("--tolerance", "tolerance_text", default=None, metavar="REL[,ABS]",
              help="Tolerance of --compare tolerance: every trial within ABS + REL |prediction|.")
@click.option("--plot", "plot_text", default=None, metavar="FILE",
              help="Write the figure (.png/.pdf/.svg); with --sizes also FILE-convergence, "
                   "with a sign risk also FILE-sign.")
@DPS_OPTION
@JSON_OPTION
@click.pass_context
def check_cmd(ctx: click.Context, model_name: str, assignments: tuple[str, ...], n_text: str | None,
              seeds_text: str, times_text: str | None, seed_text: str, against: str | None, allow_mismatch: bool,
              sizes_text: str | None,
              level_text: str, obs_text: str | None, method: str, compare: str | None, tolerance_text: str | None,
              plot_text: str | None, dps: int, as_json: bool) -> None:
    """Check the theory of MODEL (or your own predictions) against finite-size simulations.

    Simulates S independent instances, compares the mean of each observable at
    each time with the prediction (z-score, two-sided Student-t p-value with
    S-1 degrees of freedom) and decides with Holm's procedure over all rows at
    false-alarm rate L.  Exit status 0: agree; 1: disagree (or nothing
    testable); 2: bad input.

    Example: symdyn check rank-one-denoising c=1/2 theta=6/5 alpha=1/10 beta=1/10 --n 2000 --seeds 20 --t 1,5
    """
    from ..check import check, comparison_from_words

    m = load_model(model_name)
    m.require("simulate", "simulator, so it cannot be checked against simulations")
    params = load_params(m, assignments)
    sizes = _sizes(sizes_text)
    simulator = m.simulator()
    if n_text is None:
        if sizes is None and simulator.size_parameter is None:
            raise ParameterError("no size given: pass --n N (e.g. --n 2000) or a ladder --sizes 250,500,1000")
        n = None if sizes is None else max(sizes)
    else:
        n = whole_number(n_text, "--n", 1)
    n = simulator.resolve_size(params, n)
    if seeds_text is None:
        seeds_text = "1" if simulator.deterministic else "20"
    seeds = whole_number(seeds_text, "--seeds", 1)
    seed = whole_number(seed_text, "--seed", 0)
    level = _level(level_text)
    if tolerance_text is not None and compare != "tolerance":
        raise ParameterError("--tolerance goes with --compare tolerance")
    comparison = None if compare is None else comparison_from_words(compare, level=level, tolerance=tolerance_text)
    methods = simulator.methods
    if method not in methods:
        raise ParameterError(f"unknown --method {method!r}: use one of {', '.join(methods)}")
    if times_text is None and against is None:
        raise ParameterError("no times given: pass --t T1,T2,... (e.g. --t 1,5,20) or --against FILE")
    times = None if times_text is None else split_times(times_text)
    plot = _plot_path(plot_text)
    result = check(m, params, size=n, seeds=seeds, times=times, seed=seed, level=level, dps=dps,
                   observables=split_names(obs_text), against=against, sizes=sizes, method=method,
                   comparison=comparison, progress=progress_meter(), allow_mismatch=allow_mismatch)
    written = []
    if plot is not None:
        from ..plot import plot_check, plot_convergence, plot_sign, save

        fig, _ = plot_check(result, model=m)
        written.append(save(fig, plot))
        if result.convergence is not None:
            fig, _ = plot_convergence(result.convergence)
            written.append(save(fig, _sibling(plot, "convergence")))
        if result.sign is not None:
            fig, _ = plot_sign(result)
            written.append(save(fig, _sibling(plot, "sign")))
    if as_json:
        data = result.to_json()
        if written:
            data["plots"] = [str(p) for p in written]
        emit_json(data)
    else:
        _print_check(result)
        for p in written:
            click.echo(f"wrote {p}")
    if not result.passed:
        if result.verdict == "inconclusive":
            click.echo("symdyn: no row could be tested, so agreement is not established", err=True)
        ctx.exit(1)


@click.command("report")
@click.argument("model_name", metavar="MODEL")
@click.argument("assignments", nargs=-1, metavar="[NAME=VALUE...]")
@click.option("--out", "out_dir", default="report", show_default=True, metavar="DIR",
              help="Directory for report.tex, report.pdf, summary.json and the PNG figures.")
@click.option("--n", "n_text", default=None, metavar="N", help="Size of the check (default: the example's).")
@click.option("--seeds", "seeds_text", default=None, metavar="S", help="Trials per size (default: the example's).")
@click.option("--t", "times_text", default=None, metavar="T1,T2,...", help="Times of the check (default: the example's).")
@click.option("--sizes", "sizes_text", default=None, metavar="N1,N2,...",
              help="Convergence ladder (default: the example's; 'none' to skip).")
@click.option("--seed", "seed_text", default="0", show_default=True, metavar="ROOT", help="Root seed.")
@click.option("--level", "level_text", default="0.05", show_default=True, metavar="L",
              help="False-alarm rate of the check's verdict.")
@click.option("--no-pdf", "no_pdf", is_flag=True, help="Write the LaTeX source only (do not run pdflatex).")
@click.option("--strict", is_flag=True, help="Exit with status 1 if the check disagrees.")
@DPS_OPTION
@JSON_OPTION
@click.pass_context
def report_cmd(ctx: click.Context, model_name: str, assignments: tuple[str, ...], out_dir: str, n_text: str | None,
               seeds_text: str | None, times_text: str | None, sizes_text: str | None, seed_text: str,
               level_text: str, no_pdf: bool, strict: bool, dps: int, as_json: bool) -> None:
    """Write a report on MODEL: derivation, evaluation, limits, boundaries, a check against
    simulation, convergence in n, figures; LaTeX (and PDF if pdflatex is installed), JSON and PNGs.

    Without parameters it uses the model's built-in example (about a minute on two cores).

    Example: symdyn report rank-one-denoising --out report
    """
    from ..report import report

    m = load_model(model_name)
    raw = parse_assignments(assignments)
    check_output_dir(out_dir, "--out")
    sizes: list[int] | None | str
    if sizes_text is not None and sizes_text.strip().lower() == "none":
        sizes = "none"
    else:
        sizes = _sizes(sizes_text)
    words = ["symdyn", "report", model_name, *assignments, "--out", out_dir]
    for flag, value in (("--n", n_text), ("--seeds", seeds_text), ("--t", times_text), ("--sizes", sizes_text)):
        if value is not None:
            words += [flag, value]
    if seed_text != "0":
        words += ["--seed", seed_text]
    if level_text != "0.05":
        words += ["--level", level_text]
    if dps != 30:
        words += ["--dps", str(dps)]
    res = report(
        m, raw or None, out=out_dir, command=" ".join(words),
        n=None if n_text is None else whole_number(n_text, "--n", 2),
        seeds=None if seeds_text is None else whole_number(seeds_text, "--seeds", 1),
        times=None if times_text is None else split_times(times_text),
        sizes=sizes, seed=whole_number(seed_text, "--seed", 0), level=_level(level_text), dps=dps, pdf=not no_pdf,
        progress=progress_meter(),
    )
    if as_json:
        emit_json(res.summary)
    else:
        if res.check is not None:
            click.echo(res.check.summary())
            if res.check.convergence is not None:
                click.echo(res.check.convergence.summary())
        for note in res.notes:
            click.echo(f"note: {note}")
        for f in res.files:
            click.echo(f"wrote {f}")
        click.echo(f"report finished in {res.seconds:.1f} s")
    if strict and res.check is not None and not res.check.passed:
        ctx.exit(1)
