"""Every docstring example of the package runs and prints what it says (numpydoc: a runnable example).

One test per module that has examples; modules whose examples take seconds (they verify a whole
derivation) are marked slow.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import symdyn

#: modules whose examples take more than about two seconds
SLOW = {
    "symdyn.models.rank_one_denoising.derivation",
    "symdyn.models.spiked_wigner.derivation",
}


def _modules() -> list[str]:
    names = ["symdyn"] + sorted(m.name for m in pkgutil.walk_packages(symdyn.__path__, "symdyn."))
    out = []
    for name in names:
        mod = importlib.import_module(name)
        if any(t.examples for t in doctest.DocTestFinder().find(mod, name)):
            out.append(name)
    return out


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in _modules()])
def test_doctests(name):
    mod = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    for test in doctest.DocTestFinder().find(mod, name):
        if test.examples:
            runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, "".join(report)


def test_every_module_with_examples_is_collected():
    names = _modules()
    assert "symdyn.check._stats" in names and "symdyn.tex" in names and len(names) >= 30
