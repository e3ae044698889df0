"""What a check compares: the theory's predictions (shared by all trials, or per trial) or a user's."""

from __future__ import annotations

import json
from fractions import Fraction
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import sympy as sp

from ..errors import ParameterError
from ..exact import to_mp
from ..params import Params, parse_number

if TYPE_CHECKING:  # pragma: no cover
    from ..models.base import Model
    from ..simulate.result import SimulationResult

#: Largest predictions file read (10 000 times of a few observables at 100 digits is about 5 MB).
MAX_FILE_BYTES = 50_000_000

__all__ = ["Predictions", "ConditionalPredictions", "predictions_from_trajectory", "load_predictions",
           "effective_params", "whole"]


@dataclass(frozen=True)
class Predictions:
    """Values to test: the theory (a :class:`~symdyn.results.Trajectory`) or a user's own.

    ``values[obs][j]`` is the prediction at ``times[j]`` (an mpf, or ``None`` for
    no prediction); ``errors`` holds the absolute error estimate of each value
    (``None`` when unknown or exact).
    """

    source: str
    times: tuple[Any, ...]
    values: Mapping[str, tuple[Any, ...]]
    errors: Mapping[str, tuple[Any, ...]]
    dps: int
    method: str = ""

    @property
    def observables(self) -> tuple[str, ...]:
        return tuple(self.values)


def predictions_from_trajectory(traj: Any) -> Predictions:
    """The theory's predictions from a :class:`~symdyn.results.Trajectory`."""
    return Predictions(
        source="theory",
        times=tuple(traj.times),
        values={k: tuple(e.value for e in v) for k, v in traj.observables.items()},
        errors={k: tuple(e.error for e in v) for k, v in traj.observables.items()},
        dps=traj.dps,
        method=traj.method,
    )


def _parse_prediction_value(raw: Any, where: str, dps: int) -> Any:
    if raw is None:
        return None
    if isinstance(raw, Mapping):  # `eval --certify` shape: {"value", "lower", "upper"}
        if "value" not in raw:
            raise ParameterError(f"{where}: an object must have a \"value\" key (as in `symdyn eval --json --certify`)")
        raw = raw["value"]
    if isinstance(raw, float):
        raw = repr(raw)
    try:
        q = parse_number(raw)
    except ParameterError as exc:
        raise ParameterError(f"{where}: {exc}") from None
    digits = len(str(raw)) + 5 if isinstance(raw, str) else 20
    return to_mp(q, max(dps, digits))


def _mismatch(data: Mapping[str, Any], model: "Model", params: Params) -> str | None:
    """What differs between the model and parameters a predictions file records and these (None: nothing)."""
    if "model" in data and data["model"] != model.name:
        return f"model {str(data['model'])[:80]} (the command line has {model.name})"
    theirs = data.get("params")
    if not isinstance(theirs, Mapping):
        return None
    ours = params.to_json()
    for key in sorted(set(theirs) | set(ours)):
        a, b = theirs.get(key), ours.get(key)
        if a is None or b is None:
            return f"{key}={a if b is None else b} only {'there' if b is None else 'here'}"
        if str(a) == b:
            continue
        try:
            if parse_number(str(a)) == parse_number(b):
                continue
        except ParameterError:
            pass
        return f"{key}={str(a)[:80]} (the command line has {key}={b})"
    return None


def load_predictions(source: str | Path | Mapping[str, Any], model: "Model", params: Params, *,
                     dps: int = 30, allow_mismatch: bool = False) -> Predictions:
    """Read a user's predictions: JSON mapping times to observable values.

    The accepted shape is that of ``symdyn eval --json`` (extra keys are ignored)::

        {"times": ["1", "5", "20"],
         "observables": {"m_u": ["0.2320", "0.5954", "0.7514"], "m_v": [...]}}

    Times and values are decimal strings or numbers (``"1/2"`` and ``"1e-3"``
    are read exactly); a value may also be ``{"value": ..., ...}`` (the
    ``--certify`` shape) or ``null`` (no prediction at that time).  Every list
    must be as long as ``times``; observable names must be the model's.

    A file that records its ``model`` and ``params`` (as ``symdyn eval --json`` does) must match
    *model* and *params* exactly, unless ``allow_mismatch``: predictions for other parameters are
    refused rather than silently compared.

    Raises :class:`~symdyn.errors.ParameterError` with a one-line message on any problem.
    """
    label = "predictions"
    if isinstance(source, (str, Path)):
        path = Path(source)
        label = str(path)
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise ParameterError(f"--against {path}: {size / 1e6:.3g} MB is more than the {MAX_FILE_BYTES // 10**6} MB "
                                     "a predictions file may have (at most 10 000 times)")
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise ParameterError(f"{label} is not valid JSON: it is not UTF-8 text") from None
        except FileNotFoundError:
            raise ParameterError(f"--against {path}: no such file") from None
        except OSError as exc:
            raise ParameterError(f"--against {path}: cannot read it ({exc.strerror})") from None
        try:
            data = json.loads(text)
        except RecursionError:
            raise ParameterError(f"{label} is not valid JSON for predictions: it is nested too deeply") from None
        except json.JSONDecodeError as exc:
            raise ParameterError(f"{label} is not valid JSON (line {exc.lineno}: {exc.msg}): "
                                 "expected {\"times\": [...], \"observables\": {\"m_u\": [...]}}") from None
    else:
        data = source
    if not isinstance(data, Mapping):
        raise ParameterError(f"{label}: expected a JSON object {{\"times\": [...], \"observables\": {{...}}}}")
    if "times" not in data or "observables" not in data:
        missing = "times" if "times" not in data else "observables"
        raise ParameterError(f"{label}: missing key \"{missing}\"; expected the shape of `symdyn eval --json`: "
                             "{\"times\": [...], \"observables\": {\"m_u\": [...]}}")
    if not allow_mismatch:
        differ = _mismatch(data, model, params)
        if differ is not None:
            raise ParameterError(f"{label} was computed for {differ}: give the same model and parameters, or "
                                 "--allow-mismatch (allow_mismatch=True) to compare it anyway")
    raw_times, obs = data["times"], data["observables"]
    if not isinstance(raw_times, list) or not raw_times:
        raise ParameterError(f"{label}: \"times\" must be a non-empty list")
    if not isinstance(obs, Mapping) or not obs:
        raise ParameterError(f"{label}: \"observables\" must be a non-empty object of name -> list of values")
    times = model.parse_times(params, [repr(t) if isinstance(t, float) else t for t in raw_times])
    if len(set(times)) != len(times):
        raise ParameterError(f"{label}: a time is listed twice")
    values: dict[str, tuple[Any, ...]] = {}
    for name, seq in obs.items():
        model.observable(name, params)  # unknown names -> ParameterError listing the model's
        if not isinstance(seq, list) or len(seq) != len(times):
            raise ParameterError(f"{label}: observables.{name} must be a list of {len(times)} values "
                                 f"(one per time), not {type(seq).__name__}"
                                 + (f" of length {len(seq)}" if isinstance(seq, list) else ""))
        values[name] = tuple(_parse_prediction_value(v, f"{label}: observables.{name}[{j}]", dps)
                             for j, v in enumerate(seq))
    return Predictions(source=label, times=tuple(times), values=values,
                       errors={k: (None,) * len(times) for k in values}, dps=dps, method="user predictions")


@dataclass(frozen=True)
class ConditionalPredictions:
    """The theory given each trial's random instance (supplied by ``Model.conditional_predictions``).

    ``values[obs]`` has shape ``(trials, len(times))`` and ``events[name]`` shape ``(trials,)``
    (floats; ``inf`` for an event that never happens).  ``description`` says what each trial's
    prediction is conditioned on, in one sentence (plain text).
    """

    values: Mapping[str, np.ndarray] = field(default_factory=dict)
    events: Mapping[str, np.ndarray] = field(default_factory=dict)
    description: str = ""
    errors: Mapping[str, np.ndarray] = field(default_factory=dict)


def whole(value: Any, name: str, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{name}={value!r} is not a whole number: use an integer >= {lo}")
    if value < lo:
        raise ParameterError(f"{name}={value} is too small: use {name} >= {lo}")
    return int(value)


def effective_params(params: Params, sim: "SimulationResult") -> tuple[Params, tuple[str, ...]]:
    """The parameters the simulation realised (e.g. ``c = p/n`` after rounding ``p``), exactly.

    A simulator reports realised values in ``effective`` as floats; a parameter
    that is a ratio of the simulated sizes is recovered exactly as the closest
    fraction with denominator at most the largest size.
    """
    changed: dict[str, Any] = {}
    notes: list[str] = []
    bound = max([int(v) for v in sim.sizes.values()] + [2])
    for name, value in sim.effective.items():
        if name not in params.values:
            continue
        nominal = params.values[name]
        if not isinstance(nominal, sp.Basic) or not nominal.is_number:
            continue
        if abs(float(nominal) - float(value)) <= 1e-12 * max(1.0, abs(float(value))):
            continue
        fr = Fraction(float(value)).limit_denominator(bound)
        exact = sp.Rational(fr.numerator, fr.denominator)
        changed[name] = exact
        notes.append(f"the simulation realised {name} = {exact} (sizes {dict(sim.sizes)}) instead of {name} = "
                     f"{nominal}: the theory is evaluated at {name} = {exact}")
    if not changed:
        return params, ()
    return params.replace(**changed), tuple(notes)
