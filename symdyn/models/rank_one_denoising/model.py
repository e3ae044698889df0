"""The ``rank-one-denoising`` model object."""

from __future__ import annotations

from typing import Any, Sequence

from ..base import Model
from . import spec
from .canonical import canonical, resolve

__all__ = ["RankOneDenoising"]


class RankOneDenoising(Model):
    """Gradient flow / GD on the rank-one rectangular denoising problem ``X = theta u v^T + Z``.

    >>> import symdyn as sd
    >>> m = sd.model("rank-one-denoising")
    >>> p = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    >>> traj = m.evaluate(p, ["1"], dps=40)
    >>> sd.mp_to_decimal(traj["m_u"][0], 30)
    '0.232047661005753550807649297995'
    """

    name = "rank-one-denoising"
    title = "Rank-one rectangular matrix denoising by gradient flow / gradient descent"
    summary = ("X = theta u v^T + Z (p x n, Z_ij ~ N(0, 1/n), c = p/n); overlaps of the estimates with u, v "
               "along the flow or GD on the quadratic cost, from a start with overlaps alpha, beta.")
    parameter_specs = spec.PARAMETERS
    observable_specs = spec.OBSERVABLES
    quantity_specs = spec.QUANTITIES
    citations = spec.CITATIONS

    def _resolve(self, values: dict[str, Any], given: frozenset[str]) -> dict[str, Any]:
        return resolve(values, given)

    def time_name(self, params) -> str:
        return "k" if params.get("eta") is not None else "t"

    def canonical(self, params, *, need: tuple[str, ...] = (), dynamics: bool = True):
        return canonical(params, need=need, dynamics=dynamics)

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
        from .simulation import RankOneSimulator

        return RankOneSimulator(self)
