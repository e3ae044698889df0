"""``symdyn simulate``: the finite-size dynamics on seeded random instances."""

from __future__ import annotations

from typing import Any

import numpy as np

import click

from ..errors import ParameterError
from ..exact import short_text
from ..simulate.driver import check_request, format_duration
from ..simulate.memory import format_bytes
from .common import console as make_console
from .common import (
    JSON_OPTION, emit_json, load_model, load_params, progress_meter, split_names, split_times, whole_number,
)

__all__ = ["simulate_cmd"]

def _fmt(x: float) -> str:
    """6 significant digits; ``inf``/``-inf`` for overflowed values, ``±inf`` for a mean over both signs."""
    if np.isnan(x):
        return "-"
    return f"{x:.6g}"


def _fmt_mean(x: float, values: Any) -> str:
    v = np.asarray(values, dtype=float)
    if np.isnan(x) and np.any(np.isposinf(v)) and np.any(np.isneginf(v)):
        return "\u00b1inf"
    return _fmt(x)


@click.command("simulate")
@click.argument("model_name", metavar="MODEL")
@click.argument("assignments", nargs=-1, metavar="NAME=VALUE...")
@click.option("--n", "n_text", default=None, metavar="N",
              help="Size of the simulated instances (the model's size: rank-one n columns with p = round(c n); "
                   "see the model's simulator); may be omitted when a parameter fixes it (e.g. d).")
@click.option("--seeds", "seeds_text", required=True, metavar="S", help="Number of independent trials.")
@click.option("--t", "times_text", required=True, metavar="T1,T2,...",
              help="Comma-separated times (step counts k when eta is given).")
@click.option("--seed", "seed_text", default="0", show_default=True, metavar="ROOT",
              help="Root seed: trial i uses SeedSequence(ROOT).spawn(S)[i].")
@click.option("--method", default="auto", show_default=True, metavar="M",
              help="Simulation route: auto, or one of the model simulator's methods (e.g. gram, lanczos, "
                   "gd-iterate, ode, expm, eigh); a wrong name lists them.")
@click.option("--observables", "obs_text", default=None, metavar="O1,O2,...",
              help="Observables to measure (default: the model's default observables).")
@click.option("--threads", "threads_text", default=None, metavar="K",
              help="Limit BLAS to K threads during the run (default: unchanged). On a busy shared machine "
                   "--threads 1 can be many times faster.")
@JSON_OPTION
def simulate_cmd(model_name: str, assignments: tuple[str, ...], n_text: str, seeds_text: str, times_text: str,
                 seed_text: str, method: str, obs_text: str | None, threads_text: str | None, as_json: bool) -> None:
    """Simulate the actual finite-size dynamics of MODEL on S random instances.

    The dynamics are exact (no time stepping); the same --seed reproduces every
    number.  Prints per observable and time the mean, standard error and
    quantiles over the trials; --json adds the per-seed values.

    \b
    Example:
      symdyn simulate rank-one-denoising c=1/2 theta=6/5 alpha=1/10 beta=1/10 --n 2000 --seeds 20 --t 1,5,20
    """
    m = load_model(model_name)
    m.require("simulate", "simulator")
    params = load_params(m, assignments)
    sim = m.simulator()
    n = sim.resolve_size(params, None if n_text is None else whole_number(n_text, "--n", 1))
    trials = whole_number(seeds_text, "--seeds", 1)
    seed = whole_number(seed_text, "--seed", 0)
    extra = {} if threads_text is None else {"threads": whole_number(threads_text, "--threads", 1)}
    times = split_times(times_text)
    observables = split_names(obs_text)
    if observables is not None:
        m.check_observables(params, observables)
    if extra and "threads" not in sim.options:
        raise ParameterError(f"--threads is not supported by the {m.name} simulator: drop it")
    methods = sim.methods
    if method not in methods:
        raise ParameterError(f"unknown --method {method!r}: use one of {', '.join(methods)}")
    plan = sim.plan(params, times, n=n, method=method, observables=observables)
    n_obs = len(plan.observables) or 1
    seconds = plan.seconds
    total = check_request(trials, len(times) * n_obs + 8, plan.memory, json=as_json,
                          seconds_per_trial=seconds, instance_bytes=plan.instance_bytes)
    size = " x ".join(plan.sizes) + " = " + " x ".join(str(v) for v in plan.sizes.values())
    when = "" if seconds is None else f", time about {format_duration(trials * seconds)}"
    click.echo(
        f"symdyn: simulating {m.name} at {size}, {trials} trial(s), method {plan.method}; "
        f"memory needed about {format_bytes(total)}{when}", err=True)
    result = sim.run(params, times, n=n, trials=trials, seed=seed, method=method, observables=observables,
                     progress=progress_meter(), **extra)
    if as_json:
        emit_json(result.to_json())
        return
    _print_table(result)


def _print_table(result: Any) -> None:
    from rich.table import Table

    console = make_console()
    sizes = " x ".join(f"{k}={v}" for k, v in result.sizes.items())
    # realised parameters only (c = p/n after rounding p); theory-side diagnostics stay in the JSON
    eff = ", ".join(f"realised {k}={_fmt(v)}" for k, v in result.effective.items() if k in result.params.values)
    params = " ".join(f"{k}={v}" for k, v in result.params.to_json().items() if k in result.params.given)
    console.print(f"[bold]{result.model}[/bold] {params}")
    eff = f" ({eff})" if eff else ""
    console.print(f"sizes {sizes}{eff}; {result.trials} trials, seed {result.root_seed}, method {result.method}, "
                  f"{result.seconds:.3g} s, memory about {format_bytes(result.memory_bytes)}")
    table = Table(show_header=True, header_style="bold")
    for col in ("observable", result.time_name, "mean", "stderr", "q05", "median", "q95"):
        table.add_column(col, justify="left" if col == "observable" else "right")
    for name in result.values:
        mean, se, q = result.mean(name), result.stderr(name), result.quantiles(name, (0.05, 0.5, 0.95))
        for j, t in enumerate(result.times):
            table.add_row(name, short_text(t), _fmt_mean(mean[j], result.values[name][:, j]), _fmt(se[j]), _fmt(q[0, j]),
                          _fmt(q[1, j]), _fmt(q[2, j]))
    for name, vals in result.events.items():  # scalar results per trial (e.g. a hitting step): no time
        v = np.asarray(vals, dtype=float)
        se = float(v.std(ddof=1) / np.sqrt(v.size)) if v.size > 1 and np.all(np.isfinite(v)) else float("nan")
        with np.errstate(invalid="ignore"):   # an event that never happens is inf in every trial
            q = np.quantile(v, (0.05, 0.5, 0.95))
        table.add_row(name, "-", _fmt(float(np.mean(v))), _fmt(se), _fmt(q[0]), _fmt(q[1]), _fmt(q[2]))
    console.print(table)
    for note in result.notes:
        console.print(f"note: {note}")
