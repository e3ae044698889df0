"""Every metadata string of a shipped model that is mathematics has a LaTeX form (a symdyn.tex.Prose):
the summary, the built-in example's note and the meanings of parameters, observables, quantities and events."""

from __future__ import annotations

import re

import pytest

import symdyn as sd
from symdyn.models import available_models
from symdyn.tex import Prose

MATH = re.compile(r"[\^_<|~]|sqrt|->")


def _metadata(model):
    yield "summary", model.summary
    ex = model.report_example or {}
    if ex.get("note"):
        yield "report_example note", ex["note"]
    for kind, specs in (("parameter", model.parameter_specs), ("observable", model.observable_specs),
                        ("quantity", model.quantity_specs), ("event", getattr(model, "event_specs", ()))):
        for s in specs:
            yield f"{kind} {s.name}", s.meaning


SHIPPED = [n for n in available_models() if sd.model(n).__module__.startswith("symdyn.")]


# their metadata is being typeset (Prose forms): pending
_PENDING = {"deep-factorization", "matrix-sensing"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="metadata not yet "
                                               "typeset")) if n in _PENDING else n for n in SHIPPED])
def test_every_metadata_string_with_mathematics_has_a_latex_form(name):
    """Every model that ships with the package (models registered by tests are examples of the interface)."""
    model = sd.model(name)
    plain = [what for what, text in _metadata(model) if MATH.search(text) and not isinstance(text, Prose)]
    assert not plain, f"{name}: give these a LaTeX form (symdyn.tex.Prose): {plain}"
