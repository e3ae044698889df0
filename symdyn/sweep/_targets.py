"""What a sweep evaluates at each point: a target (strategy objects over the Model interface).

* :class:`QuantityTarget`: a boundary quantity (``threshold``, ``critical-ratio``, ...);
  certified with ``--certify`` when the model declares ``certify-boundary``.
* :class:`LimitTarget`: ``limit`` (every large-time value, with decay amplitudes as ``K_NAME``)
  or ``limit:OBS`` (one observable's limit, a scalar).
* :class:`ObservableTarget`: ``OBS@T``, one observable at one time; certified with the model's
  ``certify-trajectory``.

A target checks what the model's capabilities allow before any point runs
(:meth:`Target.check`), renders one point as decimal strings (:meth:`Target.evaluate`,
the same strings as the single-point commands print) and, when scalar, gives the number
and a rigorous enclosure that ``--solve`` needs (:meth:`Target.scalar`, :meth:`Target.enclose`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Mapping

import mpmath as mp

from ..errors import ObservableError, ParameterError, UnsupportedError
from ..exact import mp_to_decimal

__all__ = ["Outcome", "Target", "QuantityTarget", "LimitTarget", "ObservableTarget", "parse_target"]


@dataclass(frozen=True)
class Outcome:
    """One evaluated point: values as decimal strings, certified enclosures, the regime."""

    values: Mapping[str, str]
    enclosures: Mapping[str, Mapping[str, str]] | None = None
    regime: str | None = None


class Target(ABC):
    """A quantity evaluated at every point of a sweep."""

    text: str
    #: whether the target is one number (so that ``--solve`` can find where it equals a value)
    scalar_valued: bool = True

    @abstractmethod
    def check(self, model, *, certify: bool) -> None:
        """Raise (``UnsupportedError``/``ParameterError``) unless the model can evaluate this target."""

    def check_params(self, model, params) -> None:
        """Checks that need one point's parameters (names available there, times)."""

    @abstractmethod
    def evaluate(self, model, params, *, dps: int, certify: bool) -> Outcome:
        """The point's values (the strings the single-point command prints)."""

    def scalar(self, model, params, *, dps: int) -> mp.mpf:
        """The target's value as a number (scalar targets)."""
        raise UnsupportedError(f"target {self.text} is not a single number")

    def enclose(self, model, params, *, dps: int) -> tuple[mp.mpf, mp.mpf]:
        """A rigorous enclosure ``(lower, upper)`` of the scalar value."""
        raise UnsupportedError(f"target {self.text} has no certified form")

    def label(self, model, name: str, given: frozenset[str] = frozenset()) -> str:
        """Label (mathtext) of value *name* of this target; *given*: the parameters the sweep sets."""
        return _name_label(name)

    def __str__(self) -> str:
        return self.text


_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa", "lambda", "mu", "nu",
          "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega"}


def _name_label(name: str) -> str:
    """``theta_c`` -> ``$\\theta_{c}$``; ``K_m_u`` -> ``$K_{m_u}$`` (a readable mathtext of a plain name)."""
    head, sep, tail = name.partition("_")
    if not head.isidentifier() or not all(ch.isalnum() or ch == "_" for ch in name):
        return name
    if not (sep and tail) and head not in _GREEK:
        return name
    head = "\\" + head if head in _GREEK else head
    return f"${head}_{{{tail}}}$" if sep and tail else f"${head}$"


def _obs_latex(model, name: str) -> str:
    try:
        latex = model.observable(name).latex_of(name)
    except (ObservableError, ParameterError):
        latex = ""
    return latex or _name_label(name).strip("$")


@dataclass(frozen=True)
class QuantityTarget(Target):
    """A named boundary quantity of the model; ``--solve`` uses its first value."""

    text: str

    def check(self, model, *, certify: bool) -> None:
        model.require("boundary", "quantities")
        spec = model.quantity(self.text)
        if certify:
            model.require("certify-boundary", "certified quantities (drop --certify)")
            if not spec.certifiable:
                raise UnsupportedError(f"quantity {self.text} of {model.name} cannot be certified (drop --certify)")

    def check_params(self, model, params) -> None:
        params.require(*model.quantity(self.text).needs, purpose=f"quantity {self.text}")

    def evaluate(self, model, params, *, dps: int, certify: bool) -> Outcome:
        q = model.boundary(self.text, params, dps=dps, certify=certify)
        j = q.to_json()
        return Outcome(values=dict(j["values"]), enclosures=j.get("enclosures"), regime=j.get("regime"))

    def scalar(self, model, params, *, dps: int) -> mp.mpf:
        return model.boundary(self.text, params, dps=dps).value

    def enclose(self, model, params, *, dps: int) -> tuple[mp.mpf, mp.mpf]:
        q = model.boundary(self.text, params, dps=dps, certify=True)
        return next(iter(q.enclosures.values()))

    def label(self, model, name: str, given: frozenset[str] = frozenset()) -> str:
        return f"{self.text}: {_name_label(name)}"


@dataclass(frozen=True)
class LimitTarget(Target):
    """``limit`` (all large-time values) or ``limit:OBS`` (one of them, a scalar)."""

    observable: str | None = None

    @property
    def text(self) -> str:  # type: ignore[override]
        return "limit" if self.observable is None else f"limit:{self.observable}"

    @property
    def scalar_valued(self) -> bool:  # type: ignore[override]
        return self.observable is not None

    def check(self, model, *, certify: bool) -> None:
        model.require("limit", "limit")
        if certify:
            raise UnsupportedError(f"model {model.name} has no certified limit: --certify takes a boundary quantity "
                                   "or OBS@T (drop --certify)")
        if self.observable is not None:
            model.observable(self.observable)

    def check_params(self, model, params) -> None:
        if self.observable is not None:
            model.observable(self.observable, params)

    def _limit(self, model, params, dps: int):
        return model.limit(params, dps=dps, check=False)

    def _pick(self, model, lim) -> mp.mpf:
        if self.observable not in lim.values:
            raise ObservableError(f"the limit of {model.name} at these parameters has no {self.observable}: it has "
                                  + ", ".join(lim.values))
        return lim.values[self.observable]

    def evaluate(self, model, params, *, dps: int, certify: bool) -> Outcome:
        lim = self._limit(model, params, dps)
        regime = None if lim.regime is None else str(lim.regime)
        if self.observable is not None:
            return Outcome({self.observable: mp_to_decimal(self._pick(model, lim), dps)}, None, regime)
        values = {k: mp_to_decimal(v, dps) for k, v in lim.values.items()}
        if lim.decay is not None:
            values.update({f"K_{k}": mp_to_decimal(v, dps) for k, v in lim.decay.amplitudes.items()})
        return Outcome(values, None, regime)

    def scalar(self, model, params, *, dps: int) -> mp.mpf:
        if self.observable is None:
            raise UnsupportedError("target limit has several values: name one, e.g. limit:" +
                                   model.observable_names()[0])
        return self._pick(model, self._limit(model, params, dps))

    def label(self, model, name: str, given: frozenset[str] = frozenset()) -> str:
        if name.startswith("K_") and self.observable is None and name[2:] in model.observable_names():
            return f"amplitude of ${_obs_latex(model, name[2:])}$"
        return r"$\lim_{t\to\infty}\ " + _obs_latex(model, name) + "$"


@dataclass(frozen=True)
class ObservableTarget(Target):
    """``OBS@T``: one observable at one time (a GD step count when the model's step parameter is given)."""

    observable: str
    time: str

    @property
    def text(self) -> str:  # type: ignore[override]
        return f"{self.observable}@{self.time}"

    def check(self, model, *, certify: bool) -> None:
        model.require("evaluate", "evaluation of its observables")
        if certify:
            model.require("certify-trajectory", "certified evaluation of its trajectory (drop --certify)")
        model.observable(self.observable)

    def check_params(self, model, params) -> None:
        model.observable(self.observable, params)
        model.parse_times(params, [self.time])

    def evaluate(self, model, params, *, dps: int, certify: bool) -> Outcome:
        if certify:
            res = model.certify_trajectory(params, [self.time], dps=dps, observables=[self.observable])
            j = res.observables[self.observable][0].to_json()
            regime = None if res.regime is None else str(res.regime)
            return Outcome({self.observable: j["value"]},
                           {self.observable: {"lower": j["lower"], "upper": j["upper"]}}, regime)
        traj = model.evaluate(params, [self.time], dps=dps, observables=[self.observable])
        regime = None if traj.regime is None else str(traj.regime)
        return Outcome({self.observable: mp_to_decimal(traj[self.observable][0], dps)}, None, regime)

    def scalar(self, model, params, *, dps: int) -> mp.mpf:
        return model.evaluate(params, [self.time], dps=dps, observables=[self.observable])[self.observable][0]

    def enclose(self, model, params, *, dps: int) -> tuple[mp.mpf, mp.mpf]:
        model.require("certify-trajectory", "certified evaluation of its trajectory")
        cv = model.certify_trajectory(params, [self.time], dps=dps, observables=[self.observable])
        v = cv.observables[self.observable][0]
        return v.lower, v.upper

    def label(self, model, name: str, given: frozenset[str] = frozenset()) -> str:
        step = model.step_parameter is not None and model.step_parameter in given
        return f"${_obs_latex(model, name)}$ at ${'k' if step else 't'} = {self.time}$"


def parse_target(model, text: Any) -> Target:
    """The target named by *text*: a quantity, ``limit``, ``limit:OBS`` or ``OBS@T``.

    >>> import symdyn as sd
    >>> m = sd.model("rank-one-denoising")
    >>> [str(parse_target(m, t)) for t in ("threshold", "limit", "limit:m_u", "m_u@10")]
    ['threshold', 'limit', 'limit:m_u', 'm_u@10']
    """
    if not isinstance(text, str) or not text.strip():
        raise ParameterError("no target: name a quantity, limit, limit:OBS or OBS@T (e.g. m_u@10)")
    text = text.strip()
    if "=" in text:
        names = ", ".join(q.name for q in model.quantity_specs) or "none"
        raise ParameterError(f"{text!r} is a parameter, but the target comes first: a quantity ({names}), "
                             "limit, limit:OBS or OBS@T")
    if text == "limit":
        return LimitTarget()
    if text.startswith("limit:"):
        obs = text[len("limit:"):]
        if not obs:
            raise ParameterError("limit: names no observable: use limit:OBS, e.g. limit:" + model.observable_names()[0])
        return LimitTarget(obs)
    if "@" in text:
        obs, _, t = text.partition("@")
        if not obs or not t:
            raise ParameterError(f"{text!r} is not OBS@T: name an observable and a time, e.g. "
                                 f"{model.observable_names()[0]}@10")
        from ..params import parse_time

        parse_time(t, name=f"{obs}@T")
        return ObservableTarget(obs, t.strip())
    return QuantityTarget(text)
