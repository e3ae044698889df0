"""``symdyn eval``, ``symdyn limit`` and ``symdyn boundary``."""

from __future__ import annotations

import click

from ..errors import ParameterError
from .common import (
    DPS_OPTION, JSON_OPTION, emit_json, load_model, load_params, progress_meter, split_names, split_times,
)


@click.command("eval")
@click.argument("model_name", metavar="MODEL")
@click.argument("assignments", nargs=-1, metavar="NAME=VALUE...")
@click.option("--t", "times", metavar="T1,T2,...", help="Comma-separated times (step counts k for discrete GD).")
@DPS_OPTION
@click.option("--observables", metavar="NAMES",
              help="Comma-separated observables (default: the model's default ones; `symdyn models` lists all).")
@click.option("--rule", "rule_name", default=None, metavar="RULE",
              help="Quadrature rule of models evaluated by quadrature: gauss-chebyshev (default, fast) or "
                   "tanh-sinh (independent cross-check).")
@click.option("--arithmetic", "arith_name", default=None, metavar="BACKEND",
              help="Number backend of models that offer one: mpfr (default, gmpy2), mpmath (reference) or "
                   "float64 (fast path, ~13 digits).")
@click.option("--certify", is_flag=True, help="Rigorous enclosures of each value (python-flint).")
@JSON_OPTION
def eval_cmd(model_name, assignments, times, dps, observables, rule_name, arith_name, certify, as_json):
    """Evaluate the deterministic equivalents of MODEL at the times --t.

    Example: symdyn eval rank-one-denoising c=1/2 theta=6/5 alpha=1/10 beta=1/10 --t 1,5,20 --dps 50
    """
    model = load_model(model_name)
    params = load_params(model, assignments)
    names = split_names(observables)
    if names is not None:
        model.check_observables(params, names)
    options = model.evaluation_strategies(rule=rule_name, arithmetic=arith_name)
    time_list = split_times(times)
    if certify:
        if options:
            raise ParameterError("--certify has its own arithmetic (arb balls): drop --rule/--arithmetic")
        model.require("certify-trajectory", "certified evaluation of its trajectory (drop --certify)")
        result = model.certify_trajectory(params, time_list, dps=dps, observables=names, progress=progress_meter())
        if as_json:
            emit_json(result.to_json())
        else:
            click.echo(result.render())
        return
    model.require("evaluate", "evaluation of its observables")
    traj = model.evaluate(params, time_list, dps=dps, observables=names, progress=progress_meter(), **options)
    if as_json:
        emit_json(traj.to_json())
        return
    click.echo(str(traj))


@click.command("limit")
@click.argument("model_name", metavar="MODEL")
@click.argument("assignments", nargs=-1, metavar="NAME=VALUE...")
@DPS_OPTION
@click.option("--no-check", is_flag=True, help="Skip the numerical cross-check of the limit.")
@JSON_OPTION
def limit_cmd(model_name, assignments, dps, no_check, as_json):
    """Large-time limits of MODEL with their regime, decay law and a numerical cross-check."""
    model = load_model(model_name)
    model.require("limit", "limit")
    params = load_params(model, assignments)
    lim = model.limit(params, dps=dps, check=not no_check)
    if as_json:
        emit_json(lim.to_json())
        return
    click.echo(str(lim))


@click.command("boundary")
@click.argument("model_name", metavar="MODEL")
@click.argument("quantity", metavar="QUANTITY")
@click.argument("assignments", nargs=-1, metavar="NAME=VALUE...")
@DPS_OPTION
@click.option("--certify", is_flag=True, help="Return a rigorous enclosure [lower, upper] (python-flint).")
@JSON_OPTION
def boundary_cmd(model_name, quantity, assignments, dps, certify, as_json):
    """A boundary QUANTITY of MODEL (threshold, critical-ratio, outlier, overlaps, ...).

    Example: symdyn boundary rank-one-denoising threshold c=3 --dps 60
    """
    model = load_model(model_name)
    model.require("boundary", "quantities")
    if "=" in quantity:
        raise ParameterError(
            f"{quantity!r} is a parameter, but QUANTITY comes first: one of "
            + ", ".join(q.name for q in model.quantity_specs))
    model.quantity(quantity)
    params = load_params(model, assignments)
    b = model.boundary(quantity, params, dps=dps, certify=certify)
    if as_json:
        emit_json(b.to_json())
        return
    click.echo(str(b))
