"""The model interface: what every symdyn model declares and provides.

A model declares its parameters, observables, boundary quantities and
citations once.  It provides its mathematics at each layer (a self-verifying
derivation, a numeric evaluation at any precision, large-time limits with
regimes, boundary quantities, a finite-size simulator).  The command line, the
checker, sweeps and reports only use this interface, so a new model (matrix
sensing with learning times and staircases, deep factorization with
eigenvalue trajectories) plugs in without changes elsewhere: its observables
are whatever functions of time it declares, and its "boundaries" are any named
scalar quantities (thresholds, learning times, interval ends).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Mapping, Sequence

from ..bibliography import Citation
from ..errors import ParameterError, UnsupportedError
from ..params import ParamSpec, Params, build_params, parse_time

if TYPE_CHECKING:  # pragma: no cover
    from ..derive import Derivation
    from ..progress import Progress
    from ..results import Boundary, Limit, Trajectory

__all__ = ["ObservableSpec", "QuantitySpec", "Citation", "Model", "PackagedModel", "MIN_DPS", "MAX_DPS",
           "check_dps"]

MIN_DPS = 15
MAX_DPS = 1000


def check_dps(dps: Any) -> int:
    """Validate a requested precision (decimal digits)."""
    if isinstance(dps, bool) or not isinstance(dps, int):
        try:
            if isinstance(dps, str) and dps.strip().lstrip("+").isdigit():
                dps = int(dps)
            else:
                raise ValueError
        except ValueError:
            raise ParameterError(f"dps={dps!r} is not a whole number: use {MIN_DPS}..{MAX_DPS}") from None
    if not MIN_DPS <= dps <= MAX_DPS:
        raise ParameterError(f"dps={dps} is outside the supported range {MIN_DPS}..{MAX_DPS}")
    return dps


@dataclass(frozen=True)
class ObservableSpec:
    """A function of time the model predicts (and, usually, simulates)."""

    name: str
    meaning: str
    latex: str
    simulated: bool = True


@dataclass(frozen=True)
class QuantitySpec:
    """A named scalar: threshold, critical ratio, outlier, learning time, ..."""

    name: str
    meaning: str
    needs: tuple[str, ...]
    certifiable: bool = False


class Model(ABC):
    """Abstract base of every model.  Subclasses are final."""

    name: ClassVar[str]
    title: ClassVar[str]
    summary: ClassVar[str]
    parameter_specs: ClassVar[tuple[ParamSpec, ...]]
    observable_specs: ClassVar[tuple[ObservableSpec, ...]]
    quantity_specs: ClassVar[tuple[QuantitySpec, ...]]
    citations: ClassVar[tuple[Citation, ...]]

    # ------------------------------------------------------------ parameters and times
    def params(self, **raw: Any) -> Params:
        """Parse, validate and resolve parameters given as text or numbers.

        Unknown names, malformed numbers and values outside a parameter's
        domain raise :class:`~symdyn.errors.ParameterError` with a one-line message.
        """
        values, given = build_params(self.name, self.parameter_specs, raw)
        values = self._resolve(values, given)
        specs = {s.name: s for s in self.parameter_specs}
        return Params(self.name, values, given, specs)

    def _resolve(self, values: dict[str, Any], given: frozenset[str]) -> dict[str, Any]:
        """Model hook: turn special words and alternative parameters into exact values."""
        return values

    def time_name(self, params: Params) -> str:
        """``"t"`` for continuous time, ``"k"`` for step counts (discrete GD)."""
        return "t"

    def parse_times(self, params: Params, raw: Sequence[Any]) -> tuple[Any, ...]:
        """Exact, validated times (or step counts) from text or numbers."""
        name = self.time_name(params)
        if len(raw) == 0:
            raise ParameterError(f"no times given: pass at least one {name} (e.g. --t 1,5,20)")
        return tuple(parse_time(v, integer=(name == "k"), name=name) for v in raw)

    def observable(self, name: str) -> ObservableSpec:
        for o in self.observable_specs:
            if o.name == name:
                return o
        raise ParameterError(
            f"unknown observable {name!r} for {self.name}: available are "
            + ", ".join(o.name for o in self.observable_specs)
        )

    def quantity(self, name: str) -> QuantitySpec:
        for q in self.quantity_specs:
            if q.name == name:
                return q
        raise ParameterError(
            f"unknown quantity {name!r} for {self.name}: available are "
            + ", ".join(q.name for q in self.quantity_specs)
        )

    # ------------------------------------------------------------ the four views
    @abstractmethod
    def derivation(self) -> "Derivation":
        """The model's derivation: ordered, self-verifying steps."""

    @abstractmethod
    def evaluate(
        self,
        params: Params,
        times: Sequence[Any],
        *,
        dps: int = 30,
        observables: Sequence[str] | None = None,
        progress: "Progress | None" = None,
        **options: Any,
    ) -> "Trajectory":
        """Deterministic equivalents of the observables at the given times."""

    @abstractmethod
    def limit(self, params: Params, *, dps: int = 30) -> "Limit":
        """Large-time values with their regime and decay law."""

    @abstractmethod
    def boundary(self, quantity: str, params: Params, *, dps: int = 30, certify: bool = False) -> "Boundary":
        """A named scalar quantity (threshold, critical ratio, ...)."""

    def simulator(self):
        """The model's finite-size simulator (see :mod:`symdyn.simulate`)."""
        raise UnsupportedError(f"model {self.name} has no simulator yet")

    def finite_size(self, params: Params, sizes: Mapping[str, int], *, dps: int = 30) -> Any:
        """Known finite-size effects at the simulated ``sizes``, or ``None`` (optional hook of the checker).

        The returned object has ``notes`` (caveats, plain text) and ``sign``
        (``None`` or a :class:`symdyn.check.SignRisk`: a finite-n sign ambiguity
        of the large-time limit, with the per-trial amplitude correction).  The
        default looks for an optional ``finite_size`` module in the model's
        package with a function ``finite_size(model, params, sizes, *, dps)``,
        and returns ``None`` ("no known finite-size caveat") if there is none.
        """
        from importlib import import_module

        package = type(self).__module__.rpartition(".")[0]
        if not package:  # a model defined in a top-level module has no package to look in
            return None
        try:
            module = import_module(f"{package}.finite_size")
        except ModuleNotFoundError as exc:
            if exc.name == f"{package}.finite_size":
                return None
            raise
        return module.finite_size(self, params, sizes, dps=dps)

    # ------------------------------------------------------------ metadata
    def cite(self) -> str:
        """BibTeX of the results this model implements."""
        return "\n\n".join(c.bibtex.strip() for c in self.citations) + "\n"

    def describe(self) -> dict[str, Any]:
        """Parameters, observables and quantities as plain data (for ``symdyn models``)."""
        return {
            "name": self.name,
            "title": self.title,
            "summary": self.summary,
            "parameters": [
                {
                    "name": s.name,
                    "meaning": s.meaning,
                    "latex": s.latex,
                    "domain": s.describe(),
                    "default": s.default,
                    "required": s.default is None and not s.optional and s.alternative is None,
                    **({"alternative": s.alternative} if s.alternative else {}),
                }
                for s in self.parameter_specs
            ],
            "observables": [{"name": o.name, "meaning": o.meaning} for o in self.observable_specs],
            "quantities": [
                {"name": q.name, "meaning": q.meaning, "needs": list(q.needs), "certifiable": q.certifiable}
                for q in self.quantity_specs
            ],
        }

    def __repr__(self) -> str:
        return f"<symdyn model {self.name}>"


class PackagedModel(Model):
    """A model whose layers are the conventional modules of its own package.

    ``canonical.py`` (``resolve``, ``canonical``), ``evaluation.py`` (``evaluate``),
    ``limits.py`` (``limit``), ``boundaries.py`` (``boundary``), ``derivation.py``
    (``derivation``) and ``simulation.py`` (the class named by ``simulator_name``).
    A concrete model then only declares its parameters, observables, quantities and
    citations; modules are imported on first use.  Discrete GD is selected by a
    step-size parameter ``eta`` (times become step counts ``k``).
    """

    simulator_name: ClassVar[str] = ""

    def _layer(self, name: str):
        from importlib import import_module

        return import_module(f"{type(self).__module__.rpartition('.')[0]}.{name}")

    def _resolve(self, values: dict[str, Any], given: frozenset[str]) -> dict[str, Any]:
        return self._layer("canonical").resolve(values, given)

    def time_name(self, params: Params) -> str:
        return "k" if params.get("eta") is not None else "t"

    def canonical(self, params: Params, *, need: tuple[str, ...] = (), dynamics: bool = True):
        """Exact canonical parameters (see the model's ``canonical.py``)."""
        return self._layer("canonical").canonical(params, need=need, dynamics=dynamics)

    def derivation(self) -> "Derivation":
        return self._layer("derivation").derivation()

    def evaluate(self, params, times, *, dps=30, observables=None, progress=None, **options) -> "Trajectory":
        return self._layer("evaluation").evaluate(self, params, times, dps=dps, observables=observables,
                                                  progress=progress, **options)

    def limit(self, params, *, dps: int = 30, check: bool = True) -> "Limit":
        return self._layer("limits").limit(self, params, dps=dps, check=check)

    def boundary(self, quantity, params, *, dps: int = 30, certify: bool = False) -> "Boundary":
        return self._layer("boundaries").boundary(self, quantity, params, dps=dps, certify=certify)

    def simulator(self):
        if not self.simulator_name:
            return super().simulator()
        return getattr(self._layer("simulation"), self.simulator_name)(self)
