"""The ``spiked-wigner`` model object."""

from __future__ import annotations

from typing import Any, Sequence

from ..base import Model
from . import spec
from .canonical import canonical, resolve

__all__ = ["SpikedWigner"]


class SpikedWigner(Model):
    """Spherical gradient flow / GD on the spiked Wigner model ``Y = theta x x^T + W`` (spec 6).

    >>> import symdyn as sd
    >>> m = sd.model("spiked-wigner")
    >>> p = m.params(theta="3/2", alpha="1/5")
    >>> str(m.limit(p, dps=20, check=False).regime)
    'above-threshold'
    """

    name = "spiked-wigner"
    title = "Symmetric spiked Wigner model by spherical gradient flow / gradient descent (Bodin-Macris)"
    summary = ("Y = theta x x^T + W (W GOE, semicircle on [-2, 2], |x| = 1); overlap m(t) = <x, x(t)> of "
               "x(t) = e^{tY} x0/|e^{tY} x0| (or (I + eta Y)^k x0 normalised) from x0 = alpha x + sqrt(1 - alpha^2) g.")
    parameter_specs = spec.PARAMETERS
    observable_specs = spec.OBSERVABLES
    quantity_specs = spec.QUANTITIES
    citations = spec.CITATIONS
    #: Built-in example of ``symdyn report spiked-wigner`` (spec 6 simulation setting: n = 2000, t up to 20).
    report_example = {
        "params": {"theta": "3/2", "alpha": "3/10"},
        "n": 2000,
        "seeds": 20,
        "times": ["1", "2", "5", "10", "20"],
        "sizes": [250, 500, 1000, 2000],
        "note": "above threshold (theta_c = 1): m -> sqrt(1 - theta^-2) = 0.7454, approached on the time scale "
                "theta/(theta - 1)^2 = 6",
    }

    def _resolve(self, values: dict[str, Any], given: frozenset[str]) -> dict[str, Any]:
        return resolve(values, given)

    def time_name(self, params) -> str:
        return "k" if params.get("eta") is not None else "t"

    def canonical(self, params, *, need: tuple[str, ...] = (), dynamics: bool = True):
        return canonical(params, need=need)

    def derivation(self):
        from .derivation import derivation

        return derivation()

    def evaluate(self, params, times: Sequence[Any], *, dps: int = 30, observables=None, progress=None, **options):
        from .evaluation import evaluate

        return evaluate(self, params, times, dps=dps, observables=observables, progress=progress, **options)

    def limit(self, params, *, dps: int = 30, check: bool = True):
        from .limits import limit

        return limit(self, params, dps=dps, check=check)

    def boundary(self, quantity: str, params, *, dps: int = 30, certify: bool = False):
        from .boundaries import boundary

        return boundary(self, quantity, params, dps=dps, certify=certify)

    def simulator(self):
        from .simulation import SpikedWignerSimulator

        return SpikedWignerSimulator(self)
