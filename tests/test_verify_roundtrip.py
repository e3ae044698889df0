r"""Round trip: every formula symdyn emits for a quantity or a limit parses back and verifies ``agree``
(and ``equal``) against its own quantity, for every registered model.

* the ``latex`` fields of ``boundary --json`` and ``limit --json`` (``Boundary.to_json``/``Limit.to_json``,
  exactly what the CLI prints) and the same values as ``symdyn report`` writes them (symdyn's LaTeX
  printer, ``$\displaystyle ...$``) at seeded points drawn from each parameter's domain as ``symdyn verify``
  draws them (lists and indices included), at the same points with each special word a parameter declares
  (``theta=threshold``, ``alpha=critical``), and with the GD step of the model's example (step counts are
  exact integers): over all models in ``symdyn.available_models()``, so models registered later are covered
  without changes here;
* the derivation equations that state a quantity (listed below: a derivation step does not declare
  which quantity it states), read from the live derivation text.
"""

from __future__ import annotations

import random

import mpmath as mp
import pytest

import symdyn as sd
from symdyn.params import parse_number
from symdyn.tex import inline as report_cell
from symdyn.verify import build_plan
from symdyn.verify import Target, resolve_target

POINTS_PER_TARGET = 6
#: The GD variant of a point is tried where the flow predicts at most this many steps (the recursion is exact).
MAX_GD_STEPS = 100_000
#: Quantities with no closed form (roots, minima over steps, float64 instances): nothing is emitted as LaTeX.
NO_CLOSED_FORM = {
    "rank-one-denoising": {"hitting-time"},
    "deep-factorization": {"condition", "noise-fitting-time", "weyl-interval", "early-stopping", "T0-shift"},
}


def _targets(model):
    for q in model.quantity_specs:
        yield resolve_target(model, q.name)
    yield Target("limit", "*")


def _result(model, target, raw):
    """symdyn's result for *target* at the raw parameters, or None where the target is undefined."""
    try:
        params = model.params(**raw)
        if target.kind == "quantity":
            return model.boundary(target.name, params, dps=30)
        return model.limit(params, dps=30, check=False)
    except sd.SymdynError:  # undefined here (or no result, e.g. a level never reached)
        return None


def _emitted(result):
    """The LaTeX symdyn prints for a result: ``{key: [JSON latex, report cell]}`` (``boundary --json``/``limit
    --json``, and the table cell of ``symdyn report``)."""
    return {key: [tex, report_cell(result.exact[key])] for key, tex in result.to_json()["latex"].items()}


def _cases(name):
    model = sd.model(name)
    step = model.step_parameter
    example = model.report_example.get("params", {})
    for target in _targets(model):
        plan = build_plan(model, target, {})
        rng = random.Random(f"{name} {target.label}")
        found = found_variant = empty = 0  # points where the draw / only a variant / nothing emitted LaTeX
        # a quantity without closed forms is looked at once; elsewhere LaTeX may be emitted at some points only
        patience = 1 if target.name in NO_CLOSED_FORM.get(name, ()) else 4 * POINTS_PER_TARGET
        for i in range(200):
            if found >= POINTS_PER_TARGET or (not found and (found_variant >= POINTS_PER_TARGET or empty >= patience)):
                break
            raw, _ = plan.draw(rng, i)
            raw = {k: str(v) for k, v in raw.items()}
            variants = [raw]
            for spec in model.parameter_specs:
                for word in spec.words:
                    v = {k: x for k, x in raw.items() if k != spec.alternative}
                    v[spec.name] = word
                    variants.append(v)
            first = _result(model, target, raw)
            if first is not None and target.kind == "quantity" and step in example and step not in raw:
                eta = parse_number(example[step])
                if mp.isfinite(first.value) and abs(first.value) <= MAX_GD_STEPS * eta:
                    variants.append({**raw, step: example[step]})
            emitted = []
            for variant in variants:
                result = first if variant is raw else _result(model, target, variant)
                if result is None:
                    continue
                prefix = f"{target.name}:" if target.kind == "quantity" else "limit:"
                for key, forms in _emitted(result).items():
                    emitted.append(variant is raw)
                    for tex in forms:
                        yield model, prefix + key, tex, variant
            found += any(emitted)
            found_variant += bool(emitted) and not any(emitted)
            empty += first is not None and not emitted


@pytest.mark.parametrize("name", [n for n in sd.available_models()
                                  if type(sd.model(n)).__module__.startswith("symdyn.")])  # the package's models
def test_every_emitted_boundary_and_limit_formula_parses_back_and_agrees(name):
    count = 0
    targets = set()
    for model, target, tex, raw in _cases(name):
        r = sd.verify(model, target, tex, dps=30, **raw)
        assert r.verdict == "agree" and r.symbolic == "equal", (target, raw, tex, str(r))
        count += 1
        targets.add(target.split(":")[0])
    m = sd.model(name)
    none = NO_CLOSED_FORM.get(name, set())
    declared = {q.name for q in m.quantity_specs}
    # every quantity with a closed form was covered, and the limit if the model has one; the others emitted nothing
    assert declared - none <= targets and ("limit" in targets or not m.has("limit"))
    assert none <= declared and not none & targets
    assert count >= (20 if m.has("limit") else 1)


def _statement(model: str, step: str, lhs: str) -> str:
    """The right-hand side of the equation ``lhs = ...`` in a derivation step (the last ``=`` part)."""
    (s,) = [s for s in sd.model(model).derivation().steps if s.key == step]
    for equation in s.equations:
        for segment in equation.split(r"\qquad"):
            segment = segment.strip().rstrip(",").strip()
            if segment.startswith(lhs) and segment[len(lhs):].lstrip().startswith("="):
                rhs = segment.rsplit("=", 1)[1]
                return rhs.split(r"\quad")[0].strip().rstrip(",")
    raise AssertionError(f"no statement {lhs} = ... in step {step} of {model}")


ABOVE = {"c": "1/4:2", "theta": "6/5:3"}
STATEMENTS = [
    ("rank-one-denoising", "outlier-equation", r"\theta_c", "threshold", {}),
    ("rank-one-denoising", "outlier-equation", r"\lambda_{*}", "outlier:lambda_star", ABOVE),
    ("rank-one-denoising", "outlier-derivative", r"s_{1}", "outlier:s1", ABOVE),
    ("rank-one-denoising", "residues", r"\zeta_{u}", "overlaps:zeta_u", ABOVE),
    ("rank-one-denoising", "residues", r"\zeta_{v}", "overlaps:zeta_v", ABOVE),
    ("spiked-wigner", "sc-pole-integral", r"\lambda_*", "outlier", {"theta": "1:4"}),
    ("spiked-wigner", "nu-outlier", r"\nu_x(\{\lambda_*\})", "overlap", {"theta": "1:4"}),
    ("spiked-wigner", "limit-above", r"\lim_{t\to\infty} m(t)", "limit:m", {"theta": "1:4", "alpha": "-1:1"}),
    ("spiked-wigner", "limit-above", r"\lim_{t\to\infty} e(t)", "limit:energy", {"theta": "1:4", "alpha": "-1:1"}),
    ("spiked-wigner", "limit-above", r"\tau_{\mathrm{relax}}", "relaxation-time", {"theta": "1:4"}),
]


@pytest.mark.parametrize("model, step, lhs, target, params", STATEMENTS)
def test_derivation_statements_of_quantities_parse_back_and_agree(model, step, lhs, target, params):
    tex = _statement(model, step, lhs)
    r = sd.verify(model, target, tex, points=8, dps=30, **params)
    assert r.verdict == "agree" and r.symbolic == "equal", (tex, str(r))
    assert r.claim.parameters  # a formula in the parameters, not a constant
