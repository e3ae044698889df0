"""The model interface: what a symdyn model declares, and the views it may provide.

A model *declares* its parameters (:class:`~symdyn.params.ParamSpec`), its observables
(functions of time, possibly indexed families such as ``lambda_1 .. lambda_d``), its scalar
quantities (thresholds, learning times, interval ends), its per-trial events (a hitting step
measured in a simulation), its regime labels, its citations and the views it has
(:attr:`Model.capabilities`).  Every view has a default that raises
:class:`~symdyn.errors.UnsupportedError` ("model X has no limit"), so a consumer asks
:meth:`Model.has` instead of probing attributes, and a model implements only what it has
(the pattern of ``scipy.stats.rv_continuous``: write only the mathematics).

The generic layers (checker, report, plots, sweeps, the command line) use only this
interface.  What they cannot know about a model, the model supplies through hooks with
neutral defaults: :meth:`Model.finite_size` (known finite-size effects),
:meth:`Model.conditional_predictions` (the theory given each trial's random instance),
:meth:`Model.default_comparison` (how theory and simulation are compared),
:meth:`Model.report_sections` (extra report sections).

:class:`PackagedModel` implements the views by delegating to the conventional modules of
the model's own package (``canonical``, ``evaluation``, ``limits``, ``boundaries``,
``derivation`` (a module or a package), ``simulation``, ``finite_size``, ``certified``); that is the only lookup
mechanism.  ``CONTRIBUTING.md`` has the recipe for a new model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Mapping, Sequence

from ..bibliography import Citation
from ..errors import ObservableError, ParameterError, UnsupportedError
from ..params import ParamSpec, Params, build_params, parse_time

if TYPE_CHECKING:  # pragma: no cover
    from ..derive import Derivation
    from ..progress import Progress
    from ..results import Limit, Quantity, Trajectory

__all__ = ["ObservableSpec", "QuantitySpec", "EventSpec", "OptionSpec", "Model", "PackagedModel", "CAPABILITIES",
           "closed_form_quantity", "MAX_TIMES"]

#: Times (or step counts) per request: the evaluator takes about 1 ms per time point, a check holds one
#: row per time and observable, a simulation one column per time; 1e4 keeps every command within seconds
#: to minutes (300 000 times in a --against file grew past 2 GB without finishing).
MAX_TIMES = 10_000

#: The views a model can declare in :attr:`Model.capabilities`.
CAPABILITIES = frozenset({
    "derivation",          # Model.derivation(): self-verifying steps
    "evaluate",            # Model.evaluate(): observables at given times, any dps
    "limit",               # Model.limit(): final state / large-time values with regime
    "boundary",            # Model.boundary(): named scalar quantities
    "certify-boundary",    # Model.boundary(..., certify=True)
    "certify-trajectory",  # Model.certify_trajectory()
    "simulate",            # Model.simulator()
    "finite-size",         # Model.finite_size(): known finite-size effects for the checker
    "conditional",         # Model.conditional_predictions(): theory given each trial's instance
    "report",              # a built-in example (Model.report_example) for `symdyn report`
})

Size = str | Callable[[Params], int] | None
When = Callable[[Params], bool] | None


def _size(size: Size, params: Params) -> int:
    if isinstance(size, str):
        value = params[size]
        if isinstance(value, tuple):
            return len(value)
        return int(value)
    return int(size(params))  # type: ignore[misc]


@dataclass(frozen=True)
class _Named:
    """A declaration that may be an indexed family (``index`` set): ``name`` -> ``name_1 .. name_size``."""

    name: str
    meaning: str
    latex: str = ""
    index: str | None = None
    size: Size = None
    available: When = None   # None: always available
    group: str | None = None  # declarations sharing a group share a plot panel (a family is one group)

    @property
    def family(self) -> bool:
        return self.index is not None

    @property
    def panel(self) -> str:
        """The plot panel of this declaration: its ``group``, else its (family) name."""
        return self.group or self.name

    def is_available(self, params: Params | None) -> bool:
        return params is None or self.available is None or bool(self.available(params))

    def expand(self, params: Params | None) -> tuple[str, ...]:
        """The concrete names for *params* (``params=None``: the family's pattern ``name_i``)."""
        if not self.family:
            return (self.name,)
        if params is None:
            return (f"{self.name}_{self.index}",)
        return tuple(f"{self.name}_{i}" for i in range(1, _size(self.size, params) + 1))

    def match(self, name: str) -> int | None:
        """The index of *name* in this family (``None`` for a scalar declaration or no match)."""
        if not self.family:
            return None
        m = re.fullmatch(re.escape(self.name) + r"_([1-9][0-9]{0,6})", name)
        return None if m is None else int(m.group(1))

    def latex_of(self, name: str) -> str:
        """LaTeX of one concrete name (the family's ``latex`` with its index symbol replaced)."""
        i = self.match(name)
        if i is None or not self.latex:
            return self.latex
        return re.sub(r"(?<![A-Za-z\\])" + re.escape(self.index) + r"(?![A-Za-z])", str(i), self.latex)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "meaning": self.meaning, "latex": self.latex}
        if self.family:
            out["index"] = self.index
            out["size"] = self.size if isinstance(self.size, str) else "model-defined"
            out["names"] = f"{self.name}_1 .. {self.name}_" + (self.size if isinstance(self.size, str) else "n")
        return out


@dataclass(frozen=True)
class ObservableSpec(_Named):
    """A function of time the model predicts (``index``/``size``: an indexed family).

    ``default`` says whether it is evaluated and simulated when no list is given (a bool, or
    a predicate of the parameters); ``available`` whether it exists at all for given
    parameters (e.g. the energy only along one flow).

    >>> lam = ObservableSpec("lambda", "i-th eigenvalue", r"\\lambda_{i}(t)", index="i", size="r")
    >>> lam.match("lambda_3"), lam.latex_of("lambda_3")
    (3, '\\\\lambda_{3}(t)')
    """

    default: bool | Callable[[Params], bool] = True

    def is_default(self, params: Params) -> bool:
        return self.default(params) if callable(self.default) else bool(self.default)


@dataclass(frozen=True)
class QuantitySpec:
    """A named scalar: threshold, critical ratio, outlier, learning time, interval end, ...

    ``needs`` lists the parameters it depends on; ``index`` names the parameter that
    selects one member of an indexed quantity (``learning-time`` with ``k=2``), and
    ``size`` (a parameter name or a function of the parameters) how many members there
    are, so that a consumer (the report) can list all of them.
    """

    name: str
    meaning: str
    needs: tuple[str, ...]
    certifiable: bool = False
    index: str | None = None
    latex: str = ""
    size: Size = None

    def members(self, params: Params) -> tuple[int, ...]:
        """The index values ``1..size`` for *params* (``()`` for a scalar quantity or an unknown size)."""
        if self.index is None or self.size is None:
            return ()
        try:
            return tuple(range(1, _size(self.size, params) + 1))
        except (KeyError, ParameterError):
            return ()


@dataclass(frozen=True)
class EventSpec(_Named):
    """A scalar result per simulated trial (a hitting step, an interval endpoint).

    The checker compares it with the quantity ``quantity`` (with the family index given as
    the quantity's index parameter): rows with ``t = None``.  ``value`` names which of the
    quantity's values is the prediction (default: its first); ``relation`` says how:
    ``"=="`` (the prediction of the value), ``"<="`` or ``">="`` (a bound the simulated value
    must respect, e.g. a guaranteed upper bound on a hitting step).

    >>> EventSpec("T0_bound", "hitting step", quantity="bounds", value="upper", relation="<=").relation
    '<='
    """

    quantity: str | None = None
    value: str | None = None
    relation: str = "=="

    def __post_init__(self) -> None:
        if self.relation not in ("==", "<=", ">="):
            raise ValueError(f"event {self.name}: relation {self.relation!r} is not one of ==, <=, >=")


@dataclass(frozen=True)
class OptionSpec:
    """An evaluation option a model accepts (``--rule``, ``--arithmetic``): name -> strategy object."""

    name: str
    help: str
    choices: Mapping[str, Callable[[], Any]]
    default: str

    def strategy(self, word: str) -> Any:
        if word not in self.choices:
            raise ParameterError(f"unknown {self.name} {word!r}: use one of {', '.join(self.choices)}")
        return self.choices[word]()


class Model:
    """Base of every model.  Concrete models are final.

    Declarations (class attributes): ``name``, ``title``, ``summary``, ``parameter_specs``,
    ``observable_specs``, ``quantity_specs``, ``event_specs``, ``citations``, ``regimes``,
    ``capabilities``, ``evaluation_options``, ``fast_path``, ``step_parameter``,
    ``convergence_slope``, ``report_example``.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    summary: ClassVar[str]
    parameter_specs: ClassVar[tuple[ParamSpec, ...]]
    observable_specs: ClassVar[tuple[ObservableSpec, ...]]
    quantity_specs: ClassVar[tuple[QuantitySpec, ...]] = ()
    event_specs: ClassVar[tuple[EventSpec, ...]] = ()
    citations: ClassVar[tuple[Citation, ...]] = ()
    #: The regime labels the model's results may carry (``Trajectory.regime`` etc.).
    regimes: ClassVar[tuple[str, ...]] = ()
    #: The views this model has (see :data:`CAPABILITIES`).
    capabilities: ClassVar[frozenset[str]] = frozenset()
    #: Evaluation options the model's ``evaluate`` accepts as keyword arguments (name -> spec).
    evaluation_options: ClassVar[Mapping[str, OptionSpec]] = {}
    #: Options (words) of a fast, lower-precision evaluation for plotting, e.g. {"arithmetic": "float64"}.
    fast_path: ClassVar[Mapping[str, str]] = {}
    #: A parameter that, when given, makes times integer step counts (discrete GD), or None.
    step_parameter: ClassVar[str | None] = None
    #: Expected slope of log(RMS deviation) against log(size) in the checker's ladder (None: no ladder).
    convergence_slope: ClassVar[float | None] = None
    #: The built-in example of ``symdyn report`` (params and check settings), or None.
    report_example: ClassVar[Mapping[str, Any] | None] = None

    # ------------------------------------------------------------ parameters and times
    def params(self, **raw: Any) -> Params:
        """Parse, validate and resolve parameters given as text or numbers.

        Unknown names, malformed numbers and values outside a parameter's domain raise
        :class:`~symdyn.errors.ParameterError` with a one-line message.
        """
        values, given = build_params(self.name, self.parameter_specs, raw)
        values = self._resolve(values, given)
        specs = {s.name: s for s in self.parameter_specs}
        return Params(self.name, values, given, specs)

    def _resolve(self, values: dict[str, Any], given: frozenset[str]) -> dict[str, Any]:
        """Model hook: special words, alternative parameters and cross-parameter rules."""
        return values

    def check_params(self, params: Any) -> Params:
        """*params* if they are this model's validated :class:`Params`, else ParameterError."""
        if not isinstance(params, Params):
            raise ParameterError(f"params must be {self.name}'s validated parameters, model.params(c=..., ...), "
                                 f"not {type(params).__name__}")
        if params.model != self.name:
            raise ParameterError(f"these parameters are {params.model}'s, not {self.name}'s: use "
                                 f"sd.model({self.name!r}).params(...)")
        return params

    def time_name(self, params: Params) -> str:
        """``"t"`` for continuous time, ``"k"`` for step counts (``step_parameter`` given)."""
        if self.step_parameter is not None and params.get(self.step_parameter) is not None:
            return "k"
        return "t"

    def parse_times(self, params: Params, raw: Sequence[Any]) -> tuple[Any, ...]:
        """Exact, validated times (or step counts) from text or numbers."""
        name = self.time_name(params)
        if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable):
            raise ParameterError(f"times must be a list (e.g. [1, 5, 20]), not {type(raw).__name__}: a single time "
                                 f"is [{raw!r}]"[:200])
        raw = list(raw)
        if len(raw) == 0:
            raise ParameterError(f"no times given: pass at least one {name} (e.g. --t 1,5,20)")
        if len(raw) > MAX_TIMES:
            raise ParameterError(f"{len(raw)} times given: at most {MAX_TIMES} per request (each time is a "
                                 "separate evaluation, row or simulated column); split the request")
        return tuple(parse_time(v, integer=(name == "k"), name=name) for v in raw)

    # ------------------------------------------------------------ names
    def observable_names(self, params: Params | None = None) -> tuple[str, ...]:
        """Every observable that exists for *params*, families expanded: THE list evaluation,
        simulation, the checker and the plots validate against."""
        return tuple(n for o in self.observable_specs if o.is_available(params) for n in o.expand(params))

    def default_observables(self, params: Params) -> tuple[str, ...]:
        """The observables evaluated and simulated when no list is given."""
        return tuple(n for o in self.observable_specs
                     if o.is_available(params) and o.is_default(params) for n in o.expand(params))

    def observable(self, name: str, params: Params | None = None) -> ObservableSpec:
        """The declaration of observable *name* (a family member ``lambda_3`` gives its family).

        With *params*, also checks that it exists for them (index range, availability).
        """
        return _lookup(self, "observable", self.observable_specs, name, params, self.observable_names)

    def check_observables(self, params: Params, wanted: Sequence[str] | None) -> tuple[str, ...]:
        """Validated observable names (default: :meth:`default_observables`); one-line errors."""
        if wanted is None:
            return self.default_observables(params)
        if isinstance(wanted, str):
            wanted = [wanted]
        if not isinstance(wanted, Iterable):
            raise ObservableError(f"observables must be a list of names (e.g. ['m_u']), not {type(wanted).__name__}")
        out: list[str] = []
        for name in wanted:
            self.observable(name, params)
            if name in out:
                raise ObservableError(f"observable {name!r} is listed twice")
            out.append(name)
        if not out:
            raise ObservableError("no observable given: name at least one, e.g. " + self.observable_names(params)[0])
        return tuple(out)

    def event_names(self, params: Params | None = None) -> tuple[str, ...]:
        """Every per-trial event for *params* (families expanded)."""
        return tuple(n for e in self.event_specs if e.is_available(params) for n in e.expand(params))

    def event(self, name: str, params: Params | None = None) -> EventSpec:
        return _lookup(self, "event", self.event_specs, name, params, self.event_names)

    def quantity(self, name: str) -> QuantitySpec:
        for q in self.quantity_specs:
            if q.name == name:
                return q
        raise ParameterError(
            f"unknown quantity {name!r} for {self.name}: available are "
            + (", ".join(q.name for q in self.quantity_specs) or "none")
        )

    def event_quantity(self, event: str, params: Params) -> tuple[str, Params]:
        """The quantity an event is compared with, and the parameters selecting its member."""
        spec = self.event(event, params)
        if spec.quantity is None:
            raise UnsupportedError(f"event {event} of {self.name} has no theory to compare with")
        q = self.quantity(spec.quantity)
        i = spec.match(event)
        if i is not None and q.index is not None:
            return q.name, params.replace(**{q.index: _integer(i)})
        return q.name, params

    # ------------------------------------------------------------ capabilities
    def has(self, capability: str) -> bool:
        """Whether the model declares *capability* (one of :data:`CAPABILITIES`)."""
        if capability not in CAPABILITIES:
            raise ValueError(f"unknown capability {capability!r}: one of {', '.join(sorted(CAPABILITIES))}")
        return capability in self.capabilities

    def require(self, capability: str, what: str | None = None) -> None:
        """Raise :class:`UnsupportedError` ("model X has no limit") unless *capability* is declared."""
        if not self.has(capability):
            raise UnsupportedError(f"model {self.name} has no {what or capability}")

    def evaluation_strategies(self, **words: str | None) -> dict[str, Any]:
        """Strategy objects for option words (``rule="tanh-sinh"``); ``None`` words are skipped.

        An option the model does not declare is a :class:`ParameterError` naming the ones it has.
        """
        out: dict[str, Any] = {}
        for name, word in words.items():
            if word is None:
                continue
            spec = self.evaluation_options.get(name)
            if spec is None:
                have = ", ".join(f"--{n}" for n in self.evaluation_options) or "none"
                raise ParameterError(f"model {self.name} has no evaluation option --{name} (its options: {have})")
            out[name] = spec.strategy(word)
        return out

    # ------------------------------------------------------------ the views (defaults: unsupported)
    def derivation(self) -> "Derivation":
        """The model's derivation: ordered, self-verifying steps."""
        self.require("derivation", "derivation")
        raise NotImplementedError  # pragma: no cover

    def evaluate(self, params: Params, times: Sequence[Any], *, dps: int = 30,
                 observables: Sequence[str] | None = None, progress: "Progress | None" = None,
                 **options: Any) -> "Trajectory":
        """The theory's observables at the given times, with error estimates."""
        self.require("evaluate", "evaluation of its observables")
        raise NotImplementedError  # pragma: no cover

    def limit(self, params: Params, *, dps: int = 30, check: bool = True) -> "Limit":
        """The final state (large-time values) with its regime; ``check``: a numerical cross-check."""
        self.require("limit", "limit")
        raise NotImplementedError  # pragma: no cover

    def boundary(self, quantity: str, params: Params, *, dps: int = 30, certify: bool = False) -> "Quantity":
        """A named scalar quantity (threshold, critical ratio, learning time, ...)."""
        self.require("boundary", "quantities")
        raise NotImplementedError  # pragma: no cover

    def certify_trajectory(self, params: Params, times: Sequence[Any], *, dps: int = 30,
                           observables: Sequence[str] | None = None, progress: "Progress | None" = None) -> Any:
        """Rigorous enclosures of the observables at the given times."""
        self.require("certify-trajectory", "certified evaluation of its trajectory")
        raise NotImplementedError  # pragma: no cover

    def simulator(self) -> Any:
        """The model's finite-size simulator (a :class:`symdyn.simulate.Simulator`)."""
        self.require("simulate", "simulator")
        raise NotImplementedError  # pragma: no cover

    # ------------------------------------------------------------ hooks of the checker and the report
    def finite_size(self, params: Params, sizes: Mapping[str, int], *, dps: int = 30) -> Any:
        """Known finite-size effects at the simulated ``sizes`` (``None``: none known).

        The returned object has ``notes`` (caveats, plain text) and ``sign`` (``None`` or a
        :class:`symdyn.check.SignRisk`).
        """
        return None

    def conditional_predictions(self, params: Params, sim: Any, *, dps: int = 30,
                                observables: Sequence[str] | None = None) -> Any:
        """The theory given each trial's recorded random instance (``None``: the same for every trial).

        Returns a :class:`symdyn.check.ConditionalPredictions` (per-trial values of
        observables, shape ``(trials, times)``, and of events, shape ``(trials,)``).
        """
        return None

    def default_comparison(self, params: Params) -> Any:
        """How the checker compares theory and simulation by default (``None``: the mean test)."""
        return None

    def report_sections(self, context: Any) -> list[Any]:
        """Extra report sections (``symdyn.tex.Section``) from the report's results; default none."""
        return []

    # ------------------------------------------------------------ metadata
    def cite(self) -> str:
        """BibTeX of the results this model implements."""
        return "\n\n".join(c.bibtex.strip() for c in self.citations) + "\n"

    def describe(self) -> dict[str, Any]:
        """Parameters, observables, quantities and capabilities as plain data (``symdyn models``)."""
        return {
            "name": self.name,
            "title": self.title,
            "summary": self.summary,
            "parameters": [
                {
                    "name": s.name,
                    "meaning": s.meaning,
                    "latex": s.latex or None,
                    "domain": s.describe(),
                    "default": s.default,
                    "required": s.default is None and not s.optional and s.alternative is None,
                    **({"alternative": s.alternative} if s.alternative else {}),
                }
                for s in self.parameter_specs
            ],
            "observables": [o.describe() for o in self.observable_specs],
            "quantities": [
                {"name": q.name, "meaning": q.meaning, "needs": list(q.needs), "certifiable": q.certifiable,
                 **({"index": q.index} if q.index else {})}
                for q in self.quantity_specs
            ],
            "events": [e.describe() | {"quantity": e.quantity, "value": e.value, "relation": e.relation}
                       for e in self.event_specs],
            "regimes": list(self.regimes),
            "capabilities": sorted(self.capabilities),
            "evaluation_options": {k: {"choices": list(v.choices), "default": v.default}
                                   for k, v in self.evaluation_options.items()},
        }

    def __repr__(self) -> str:
        return f"<symdyn model {self.name}>"


def _integer(i: int) -> Any:
    import sympy as sp

    return sp.Integer(i)


def _cut(name: str, limit: int = 60) -> str:
    text = repr(name)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def _lookup(model: Model, kind: str, specs: Sequence[_Named], name: str, params: Params | None,
            names: Callable[[Params | None], tuple[str, ...]]) -> Any:
    if not isinstance(name, str):
        raise ObservableError(f"{kind} names are strings, not {type(name).__name__}")
    for spec in specs:
        if spec.name == name and not spec.family:
            found = spec
            break
        if spec.match(name) is not None:
            found = spec
            break
    else:
        listed = ", ".join(names(params)) or "none"
        raise ObservableError(f"unknown {kind} {_cut(name)}: not available for {model.name}; available are {listed}")
    if params is not None:
        if not found.is_available(params) or (found.family and name not in found.expand(params)):
            raise ObservableError(f"{kind} {name!r} is not available for {model.name} at these parameters: "
                                  "available are " + ", ".join(names(params)))
    return found


def closed_form_quantity(model: Model, quantity: str, params: Params, exact: Mapping[str, Any], *,
                         regime: str | None = None, note: str = "", dps: int = 30, certify: bool = False) -> "Quantity":
    """A :class:`~symdyn.results.Quantity` from exact SymPy closed forms: adaptive-precision values
    and, with ``certify``, rigorous enclosures (algebraic numbers, python-flint)."""
    from ..exact import to_mp
    from ..results import Quantity

    values = {k: to_mp(v, dps) for k, v in exact.items()}
    enclosures = None
    method = "exact closed form (SymPy), evaluated with adaptive precision (evalf, strict)"
    if certify:
        from ..certify import certify_algebraic  # python-flint itself is imported lazily there

        enclosures, method = certify_algebraic(exact, dps)
    return Quantity(model=model.name, quantity=quantity, params=params, dps=dps, values=values, exact=dict(exact),
                    method=method, regime=regime, note=note, enclosures=enclosures)


class PackagedModel(Model):
    """A model whose views are the conventional modules of its own package.

    ``canonical.py`` (``resolve``, ``canonical``), ``evaluation.py`` (``evaluate``),
    ``limits.py`` (``limit``), ``boundaries.py`` (``boundary``), ``derivation`` (a module or
    package with ``derivation()``), ``simulation.py`` (the class named by ``simulator_name``),
    ``finite_size.py`` (``finite_size``), ``certified.py`` (``certify_trajectory``).
    A view is used only when its capability is declared; modules are imported on first use.

    ``package`` is the package that holds those modules: that of the module defining the
    first subclass, inherited by further subclasses (so that a variant of a model written
    elsewhere, e.g. a deliberately wrong theory in a test, keeps its model's views).
    """

    simulator_name: ClassVar[str] = ""
    package: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.package is None:
            cls.package = cls.__module__.rpartition(".")[0]

    def _layer(self, name: str):
        from importlib import import_module

        return import_module(f"{self.package}.{name}")

    def _resolve(self, values: dict[str, Any], given: frozenset[str]) -> dict[str, Any]:
        return self._layer("canonical").resolve(values, given)

    def canonical(self, params: Params, *, need: tuple[str, ...] = (), dynamics: bool = True):
        """Exact canonical parameters (see the model's ``canonical.py``)."""
        return self._layer("canonical").canonical(params, need=need, dynamics=dynamics)

    def derivation(self) -> "Derivation":
        self.require("derivation", "derivation")
        return self._layer("derivation").derivation()

    def evaluate(self, params, times, *, dps=30, observables=None, progress=None, **options) -> "Trajectory":
        self.require("evaluate", "evaluation of its observables")
        self.check_params(params)
        unknown = [k for k in options if k not in self.evaluation_options]
        if unknown:
            raise ParameterError(f"model {self.name} has no evaluation option {unknown[0]!r} (its options: "
                                 + (", ".join(self.evaluation_options) or "none") + ")")
        # a word (rule="tanh-sinh") means the option's strategy, as on the command line
        options = {k: self.evaluation_options[k].strategy(v) if isinstance(v, str) else v for k, v in options.items()}
        return self._layer("evaluation").evaluate(self, params, times, dps=dps, observables=observables,
                                                  progress=progress, **options)

    def limit(self, params, *, dps: int = 30, check: bool = True) -> "Limit":
        self.require("limit", "limit")
        self.check_params(params)
        return self._layer("limits").limit(self, params, dps=dps, check=check)

    def boundary(self, quantity, params, *, dps: int = 30, certify: bool = False) -> "Quantity":
        """A quantity of the ``boundaries`` module: one of its ``COMPUTED`` quantities (a function
        ``(model, params, *, dps, certify) -> Quantity``, e.g. a root of an integral equation), or a
        closed form from its ``boundary_exact(model, quantity, params) -> (exact, regime, note)``,
        evaluated at ``dps`` digits (``certify``: enclosures of the algebraic numbers)."""
        from ..params import check_dps

        self.require("boundary", "quantities")
        if not isinstance(quantity, str):
            raise ParameterError(f"quantity names are strings, not {type(quantity).__name__}")
        spec = self.quantity(quantity)
        self.check_params(params)
        if certify:
            self.require("certify-boundary", "certified quantities")
            if not spec.certifiable:
                raise UnsupportedError(f"quantity {quantity} of {self.name} is not certifiable: it has no certified "
                                       "evaluation (drop --certify)")
        dps = check_dps(dps)
        layer = self._layer("boundaries")
        if quantity in layer.COMPUTED:
            return layer.COMPUTED[quantity](self, params, dps=dps, certify=certify)
        exact, regime, note = layer.boundary_exact(self, quantity, params)
        return closed_form_quantity(self, quantity, params, exact, regime=regime, note=note, dps=dps,
                                    certify=certify)

    def certify_trajectory(self, params, times, *, dps=30, observables=None, progress=None):
        self.require("certify-trajectory", "certified evaluation of its trajectory")
        self.check_params(params)
        return self._layer("certified").certify_trajectory(self, params, times, dps=dps, observables=observables,
                                                          progress=progress)

    def simulator(self):
        self.require("simulate", "simulator")
        return getattr(self._layer("simulation"), self.simulator_name)(self)

    def finite_size(self, params, sizes, *, dps: int = 30):
        if not self.has("finite-size"):
            return None
        return self._layer("finite_size").finite_size(self, params, sizes, dps=dps)

    def conditional_predictions(self, params, sim, *, dps: int = 30, observables=None):
        if not self.has("conditional"):
            return None
        return self._layer("conditional").conditional_predictions(self, params, sim, dps=dps,
                                                                  observables=observables)
