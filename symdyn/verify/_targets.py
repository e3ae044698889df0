"""What a claim is compared with: a boundary quantity, a large-time limit, or an observable at a time.

A target is named as on the command line:

* ``QUANTITY`` or ``QUANTITY:KEY`` -- a boundary quantity of the model
  (``threshold``, ``critical-ratio``, ``overlaps:zeta_v``); without a key, the
  quantity's first value;
* ``limit:OBS`` -- the large-time limit of one observable;
* ``OBS`` -- an observable as a function of the time ``t`` (step count ``k`` for GD).

Only the :class:`~symdyn.models.base.Model` interface is used (``quantity_specs``,
``observable_specs``, ``boundary``, ``limit``, ``evaluate``), so every registered
model is covered.

>>> import symdyn as sd
>>> m = sd.model("spiked-wigner")
>>> target = resolve_target(m, "outlier")
>>> value = target.compute(m, m.params(theta="2"), None, dps=20)
>>> value.exact, str(value.regime)
(5/2, 'above-threshold')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath as mp
import sympy as sp

from ..errors import ParameterError

__all__ = ["Target", "TargetValue", "resolve_target"]


@dataclass(frozen=True)
class TargetValue:
    """symdyn's value of a target at one point, with its exact closed form when it has one."""

    value: mp.mpf
    exact: sp.Expr | None
    regime: str | None
    key: str
    error: mp.mpf | None = None


@dataclass(frozen=True)
class Target:
    """A named target (see the module docstring).

    ``kind`` is ``"quantity"``, ``"limit"`` or ``"time"``; ``name`` the quantity or
    observable; ``key`` the value's name inside a multi-valued quantity (``None``:
    the first); ``needs`` the parameters the model declares the target needs
    (``None`` when it declares nothing, e.g. limits and trajectories).
    """

    kind: str
    name: str
    key: str | None = None
    needs: tuple[str, ...] | None = None

    @property
    def timed(self) -> bool:
        return self.kind == "time"

    @property
    def label(self) -> str:
        if self.kind == "limit":
            return f"limit:{self.name}"
        return self.name + (f":{self.key}" if self.key else "")

    def compute(self, model, params, time: sp.Rational | None, *, dps: int) -> TargetValue:
        """The target at *params* (and *time*) with *dps* correct digits.

        The model's own errors propagate: a :class:`~symdyn.errors.ParameterError` or
        :class:`~symdyn.errors.UnsupportedError` means the target is not defined there.
        """
        if self.kind == "quantity":
            result = model.boundary(self.name, params, dps=dps)
            key = self._key(result.values, f"quantity {self.name}")
            regime = None if result.regime is None else str(result.regime)
            return TargetValue(result.values[key], result.exact.get(key), regime, key)
        if self.kind == "limit":
            result = model.limit(params, dps=dps, check=False)  # check= is part of Model.limit
            if self.name not in result.values:
                raise ParameterError(
                    f"the limit of {self.name} is not available at these parameters: available are "
                    + ", ".join(result.values))
            return TargetValue(result.values[self.name], result.exact.get(self.name), str(result.regime), self.name)
        traj = model.evaluate(params, [time], dps=dps, observables=[self.name])
        return TargetValue(traj[self.name][0], None, str(traj.regime), self.name, traj.errors(self.name)[0])

    def _key(self, values: Any, what: str) -> str:
        if self.key is None:
            return next(iter(values))
        if self.key not in values:
            raise ParameterError(f"{what} has no value {self.key!r}: available are " + ", ".join(values))
        return self.key


def _observables(model) -> list[str]:
    return list(model.observable_names())


def _is_observable(model, name: str) -> bool:
    """A declared observable name (a family member such as ``lambda_3`` included)."""
    try:
        model.observable(name)
    except ParameterError:
        return False
    return True


def resolve_target(model, text: str) -> Target:
    """The :class:`Target` named by *text*; :class:`ParameterError` listing the choices otherwise."""
    text = text.strip()
    quantities = {q.name: q for q in model.quantity_specs}
    observables = _observables(model)
    choices = (", ".join(quantities) + " (QUANTITY or QUANTITY:KEY), limit:OBS or OBS with OBS one of "
               + ", ".join(observables))
    head, sep, tail = text.partition(":")
    if head == "limit" and sep:
        if tail and _is_observable(model, tail):
            return Target("limit", tail)
        raise ParameterError(f"unknown observable {tail!r} in target {text!r}: use " + choices)
    if head in quantities:
        if sep and not tail:
            raise ParameterError(f"target {text!r} has an empty key: use {head} or {head}:KEY")
        return Target("quantity", head, tail or None, tuple(quantities[head].needs))
    if not sep and text and _is_observable(model, text):
        return Target("time", text)
    raise ParameterError(f"unknown target {text!r} for {model.name}: use " + choices)
