"""Every metadata string of a shipped model that is mathematics has a LaTeX form (a symdyn.tex.Prose):
the summary, the built-in example's note and the meanings of parameters, observables, quantities and events."""

from __future__ import annotations

import re

import pytest
from cli_helpers import require_tools

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


@pytest.mark.parametrize("name", SHIPPED)
def test_every_metadata_string_with_mathematics_has_a_latex_form(name):
    """Every model that ships with the package (models registered by tests are examples of the interface)."""
    model = sd.model(name)
    plain = [what for what, text in _metadata(model) if MATH.search(text) and not isinstance(text, Prose)]
    assert not plain, f"{name}: give these a LaTeX form (symdyn.tex.Prose): {plain}"


def test_the_latex_forms_of_all_shipped_models_compile(tmp_path):
    """The LaTeX forms are LaTeX: every one of them, set in one document, compiles with pdflatex."""
    from symdyn import tex

    require_tools("pdflatex")
    items = []
    for name in SHIPPED:
        for what, text in _metadata(sd.model(name)):
            if isinstance(text, Prose):
                assert text.latex.count("$") % 2 == 0, f"{name} {what}: unbalanced $"
                items.append(r"\item " + tex.escape(f"{name} {what}: ") + text.latex)
    body = "\\begin{itemize}\n" + "\n".join(items) + "\n\\end{itemize}"
    tex.compile_pdf(tex.document("metadata", [tex.Section("All", body)]), tmp_path, runs=1)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_observable_and_event_symbol_typesets_in_mathtext(name):
    """Plot labels use the symbols (symdyn.plot.mathtext falls back to the plain name where matplotlib cannot
    typeset one: ``\\ge`` it cannot, ``\\geq`` it can)."""
    from symdyn.plot import mathtext_ok

    model = sd.model(name)
    specs = list(model.observable_specs) + list(getattr(model, "event_specs", ()))
    assert not [s.name for s in specs if s.latex and not mathtext_ok(s.latex)]
