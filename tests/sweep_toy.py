"""A small model for the sweep tests: the generic machinery on a model it has never heard of.

``SweepToy`` has a number ``x`` (with the word ``x=one`` and the alternative ``half``, x = 2 half),
a vector ``w`` (strictly decreasing), a choice ``mode``, the quantity ``square = x^2 sum(w)``
(certifiable only for x <= 5: beyond, certification fails; ``blur`` widens its enclosure) and the observable
``z(t) = x^2 sum(w) (1 - exp(-t))``.  It has no limit.  Everything has a closed form, so the
tests compare with exact values.  Use the ``toy`` fixture (it registers the model).
"""

from __future__ import annotations

import mpmath as mp
import pytest
import sympy as sp

from symdyn.errors import CertificationError
from symdyn.models import register
from symdyn.models.base import Model, ObservableSpec, QuantitySpec
from symdyn.params import Choice, Interval, ParamSpec, Vector
from symdyn.results import Estimate, Quantity, Trajectory


def square(x, w) -> sp.Rational:
    return sp.Rational(x) ** 2 * sum(w)


def _enclose_rational(r: sp.Rational, dps: int) -> tuple[mp.mpf, mp.mpf]:
    with mp.workdps(dps + 10):
        x = mp.mpf(int(r.p)) / int(r.q)
        ulp = abs(x) * mp.mpf(2) ** (-mp.mp.prec + 2)
        return x - ulp, x + ulp


class SweepToy(Model):
    name = "toy-sweep"
    title = "Toy model of the sweep tests"
    summary = "square = x^2 sum(w); z(t) = square (1 - exp(-t))"
    parameter_specs = (
        ParamSpec("x", "a positive number", Interval(lo=0, lo_closed=False), latex="x",
                  words={"one": "x = 1"}, alternative="half"),
        ParamSpec("half", "x/2: sets x = 2 half", Interval(lo=0, lo_closed=False), latex=r"x/2", alternative="x"),
        ParamSpec("w", "weights", Vector(Interval(lo=0, lo_closed=False), order="decreasing"), default="1",
                  latex="w"),
        ParamSpec("mode", "a choice", Choice(("a", "b")), default="a"),
        ParamSpec("blur", "widens the certified enclosure of square by blur on each side", Interval(lo=0),
                  default="0"),
    )
    observable_specs = (ObservableSpec("z", "square (1 - exp(-t))", r"z(t)"),)
    quantity_specs = (QuantitySpec("square", "x^2 sum(w)", ("x",), certifiable=True),)
    capabilities = frozenset({"boundary", "certify-boundary", "evaluate"})

    def _resolve(self, values, given):
        if values.get("x") == "one":
            values["x"] = sp.Integer(1)
        if "half" in given:
            values["x"] = 2 * values["half"]
        return values

    def boundary(self, quantity, params, *, dps=30, certify=False):
        self.quantity(quantity)
        params.require("x")
        s = square(params["x"], params["w"])
        with mp.workdps(dps):
            value = mp.mpf(int(s.p)) / int(s.q)
        enclosures = None
        if certify:
            if params["x"] > 5:
                raise CertificationError("toy: square cannot be certified beyond x = 5")
            lo, hi = _enclose_rational(s, dps)
            with mp.workdps(dps + 10):
                blur = mp.mpf(int(params["blur"].p)) / int(params["blur"].q)
                enclosures = {"square": (lo - blur, hi + blur)}
        return Quantity(model=self.name, quantity=quantity, params=params, dps=dps, values={"square": value},
                        exact={"square": s}, method="closed form", enclosures=enclosures)

    def evaluate(self, params, times, *, dps=30, observables=None, progress=None, **options):
        times = self.parse_times(params, list(times))
        names = self.check_observables(params, observables)
        params.require("x")
        s = square(params["x"], params["w"])
        with mp.workdps(dps + 10):
            vals = {n: tuple(Estimate(mp.mpf(int(s.p)) / int(s.q) * (1 - mp.exp(-mp.mpf(int(t.p)) / int(t.q))))
                             for t in times) for n in names}
        return Trajectory(model=self.name, params=params, dps=dps, times=tuple(times), time_name="t",
                          observables=vals, method="closed form")


@pytest.fixture(scope="session")
def toy() -> SweepToy:
    """Registers ``toy-sweep`` when a test first needs it: after collection, so the model contract
    (parametrized over the registry at collection) never sees this partial model."""
    return register(SweepToy(), replace=True)
