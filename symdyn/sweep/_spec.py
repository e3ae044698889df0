"""The description of a sweep, validated before any point runs, and its canonical command.

A :class:`SweepSpec` holds the model, the target, the axes, the fixed parameters, dps,
``certify`` and the solve, all normalised to exact texts.  It renders as the command that
makes it (``symdyn sweep MODEL TARGET AXES... FIXED... [--solve ...] [--certify] --dps D``),
which every output file records, and parses back from it, so a saved sweep says how it was
made, ``--resume`` can refuse a file from a different sweep, and ``symdyn plot`` knows the
axes' spacing and the parameters' LaTeX names.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from ..errors import ParameterError
from ..params import Interval, Choice, Vector, check_dps, format_value
from ._axes import MAX_POINTS, Axis, exact_text, parse_axis
from ._solve import Solve, parse_solve
from ._targets import Target, parse_target

__all__ = ["SweepSpec", "split_assignments", "build_spec"]


def split_assignments(words: Sequence[str]) -> tuple[dict[str, str], dict[str, str]]:
    """``NAME=VALUE`` and ``NAME=START:STOP:COUNT[:log]`` words -> (fixed, axes) as texts.

    >>> split_assignments(["c=1/4:1:4", "alpha=1/5", "epsilon=1e-20:1e-1:20:log", "sigma=3,2,1"])
    ({'alpha': '1/5', 'sigma': '3,2,1'}, {'c': '1/4:1:4', 'epsilon': '1e-20:1e-1:20:log'})
    """
    fixed: dict[str, str] = {}
    axes: dict[str, str] = {}
    for word in words:
        name, sep, value = str(word).partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise ParameterError(f"{word!r} is not NAME=VALUE or an axis NAME=START:STOP:COUNT[:log]")
        if name in fixed or name in axes:
            raise ParameterError(f"parameter {name} is given twice")
        if ":" in value:
            axes[name] = value
        else:
            fixed[name] = value
    return fixed, axes


def _fmt(value: Any) -> str:
    """Exact text of a parsed parameter value (numbers in their shortest exact form)."""
    if isinstance(value, tuple):
        return ",".join(_fmt(v) for v in value)
    if isinstance(value, str):
        return value
    try:
        return exact_text(value)
    except TypeError:
        return format_value(value)


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep (see the module docstring)."""

    model: Any
    target: Target
    axes: tuple[Axis, ...]
    fixed: Mapping[str, str]
    dps: int
    certify: bool = False
    solve: Solve | None = None
    size: int = field(default=0, compare=False)

    @property
    def model_name(self) -> str:
        return self.model.name

    @property
    def axis_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes)

    def words(self) -> list[str]:
        """The command's words after ``symdyn sweep`` (canonical order and exact texts)."""
        out = [self.model.name, self.target.text]
        out += [a.word() for a in self.axes]
        out += [f"{k}={v}" for k, v in self.fixed.items()]
        if self.solve is not None:
            out += ["--solve", self.solve.word, "--equals", exact_text(self.solve.equals)]
        if self.certify:
            out.append("--certify")
        out += ["--dps", str(self.dps)]
        return out

    @property
    def command(self) -> str:
        return "symdyn sweep " + " ".join(self.words())

    def identity(self) -> tuple:
        """What must agree for ``--resume`` to reuse points (the axes' ranges may differ)."""
        return (self.model.name, self.target.text, self.axis_names, tuple(sorted(self.fixed.items())), self.dps,
                self.certify, self.solve)

    def grid(self) -> list[dict[str, str]]:
        """The axis values (exact texts) of every point, first axis slowest."""
        names = self.axis_names
        return [dict(zip(names, combo)) for combo in itertools.product(*(a.texts for a in self.axes))]

    def keys(self) -> list[tuple]:
        """The exact key of every grid point (the axis values as rationals), in grid order."""
        return list(itertools.product(*(a.values for a in self.axes)))

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model.name, "target": self.target.text, "dps": self.dps, "certify": self.certify,
            "axes": {a.name: list(a.texts) for a in self.axes},
            "scales": {a.name: a.scale for a in self.axes},
            "fixed": dict(self.fixed),
            "solve": None if self.solve is None else self.solve.to_json(),
        }

    def param_label(self, name: str) -> str:
        """Mathtext label of a parameter: its declared LaTeX name."""
        specs = {s.name: s for s in self.model.parameter_specs}
        latex = specs[name].latex if name in specs else ""
        return f"${latex}$" if latex else name

    def value_label(self, name: str) -> str:
        """Label of a value: the solved parameter's LaTeX name, or the target's label of *name*."""
        if self.solve is not None and name == self.solve.name:
            return self.param_label(name)
        given = frozenset(self.fixed) | frozenset(self.axis_names)
        return self.target.label(self.model, name, given)


def _axis_errors(model, name: str, text: str) -> None:
    specs = {s.name: s for s in model.parameter_specs}
    if name not in specs:
        raise ParameterError(f"unknown parameter {name!r} for model {model.name}: allowed are " + ", ".join(specs))
    spec = specs[name]
    ends = [p.strip() for p in text.split(":")[:2]]
    word = next((e for e in ends if e in spec.words), None)
    if word is not None:
        alt = spec.alternative
        hint = (f"sweep {alt} instead ({specs[alt].meaning})" if alt in specs
                else "give numbers as START and STOP")
        raise ParameterError(f"{name}={text}: an axis runs over numbers and {word} is a word of {name}: {hint}")
    if isinstance(spec.domain, Vector):
        raise ParameterError(f"{name} is a list ({spec.domain.describe()}): fix it (e.g. {name}=3,2,1); "
                             "an axis runs over one number")
    if isinstance(spec.domain, Choice):
        raise ParameterError(f"{name} is a choice ({spec.domain.describe()}): fix it with {name}=WORD; "
                             "an axis runs over numbers")


def build_spec(model, target: str | Target, fixed: Mapping[str, Any], axes: Mapping[str, Any], *, dps: Any = 30,
               certify: bool = False, solve: Solve | str | None = None, equals: Any = None) -> SweepSpec:
    """Validate a sweep before any point runs (every grid-independent error is raised here).

    ``axes`` values are axis texts (``"1/4:1:4"``, ``"1e-20:1e-1:20:log"``) or :class:`Axis`
    objects (re-made from their text at ``dps``); ``fixed`` values are texts.
    """
    dps = check_dps(dps)
    specs = {s.name: s for s in model.parameter_specs}
    target = target if isinstance(target, Target) else parse_target(model, target)
    target.check(model, certify=bool(certify))
    if not axes and solve is None:
        raise ParameterError("no sweep axis: give at least one NAME=START:STOP:COUNT (or NAME=START:STOP:COUNT:log)")
    overlap = sorted(set(axes) & set(fixed))
    if overlap:
        raise ParameterError(f"parameter {overlap[0]} is both fixed and swept")
    parsed: list[Axis] = []
    for name, ax in axes.items():
        text = ax.spec if isinstance(ax, Axis) else ax
        if not isinstance(text, str):
            raise ParameterError(f"axis {name}: give START:STOP:COUNT or START:STOP:COUNT:log (text), "
                                 f"not {type(ax).__name__}")
        _axis_errors(model, name, text)
        parsed.append(parse_axis(name, text, dps=dps))
    for ax in parsed:
        spec = specs[ax.name]
        for v, t in zip(ax.values, ax.texts):
            if not spec.domain.contains(v):
                raise ParameterError(f"{ax.name}={t} is outside its domain: {ax.name} ({spec.meaning}) must be "
                                     f"{spec.describe()}")
    size = 1
    for ax in parsed:
        size *= len(ax)
    if size > MAX_POINTS:
        raise ParameterError(f"the grid has {size} points; at most {MAX_POINTS} are allowed")
    unknown = [k for k in fixed if k not in specs]
    if unknown:
        raise ParameterError(f"unknown parameter {unknown[0]!r} for model {model.name}: allowed are " + ", ".join(specs))
    norm_fixed = {k: _fmt(specs[k].parse(v)) for k, v in fixed.items()}
    if solve is not None:
        if isinstance(solve, str):
            solve = parse_solve(solve, None if equals is None else str(equals))
        if not target.scalar_valued:
            raise ParameterError(f"--solve needs a single number as target, and {target.text} has several: "
                                 "use limit:OBS, OBS@T or a quantity")
        if solve.name not in specs:
            raise ParameterError(f"--solve {solve.name}: unknown parameter for model {model.name}: allowed are "
                                 + ", ".join(specs))
        if solve.name in axes or solve.name in fixed:
            raise ParameterError(f"--solve {solve.name}: {solve.name} is also {'an axis' if solve.name in axes else 'fixed'}; "
                                 "the solved parameter is set by the search")
        spec = specs[solve.name]
        if not isinstance(spec.domain, Interval):
            raise ParameterError(f"--solve {solve.name}: {solve.name} is not a continuous parameter ({spec.describe()})")
        for end in (solve.lo, solve.hi):
            if not spec.domain.contains(end):
                raise ParameterError(f"--solve {solve.word}: {exact_text(end)} is outside the domain of {solve.name} "
                                     f"({spec.describe()})")
    elif equals is not None:
        raise ParameterError("--equals needs --solve NAME=LO:HI: the parameter to solve for")
    spec_obj = SweepSpec(model=model, target=target, axes=tuple(parsed), fixed=norm_fixed, dps=dps,
                         certify=bool(certify), solve=solve, size=size)
    _check_corners(spec_obj)
    return spec_obj


def _check_corners(spec: SweepSpec) -> None:
    """Resolve the parameters at the corners of the grid (cross-parameter rules, missing names)."""
    model = spec.model
    ends = [sorted({0, len(a) - 1}) for a in spec.axes]
    first = True
    for combo in itertools.islice(itertools.product(*ends), 64):
        raw: dict[str, Any] = dict(spec.fixed)
        raw.update({a.name: a.texts[i] for a, i in zip(spec.axes, combo)})
        if spec.solve is not None:
            for end in (spec.solve.lo, spec.solve.hi):
                params = model.params(**raw, **{spec.solve.name: end})
        else:
            params = model.params(**raw)
        if first:
            spec.target.check_params(model, params)
            first = False


def parse_command(text: str, model_lookup) -> SweepSpec:
    """The :class:`SweepSpec` of a command written by :attr:`SweepSpec.command`."""
    words = text.split()
    if words[:2] != ["symdyn", "sweep"] or len(words) < 4:
        raise ParameterError(f"not a sweep command: {text[:80]!r}")
    model = model_lookup(words[2])
    target = words[3]
    rest = words[4:]
    assignments: list[str] = []
    options: dict[str, str | bool] = {}
    i = 0
    while i < len(rest):
        w = rest[i]
        if w == "--certify":
            options["certify"] = True
            i += 1
        elif w in ("--solve", "--equals", "--dps"):
            if i + 1 >= len(rest):
                raise ParameterError(f"sweep command: {w} has no value")
            options[w[2:]] = rest[i + 1]
            i += 2
        else:
            assignments.append(w)
            i += 1
    fixed, axes = split_assignments(assignments)
    return build_spec(model, target, fixed, axes, dps=options.get("dps", 30), certify=bool(options.get("certify")),
                      solve=options.get("solve"), equals=options.get("equals"))
