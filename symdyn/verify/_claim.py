r"""A claim: the user's LaTeX, parsed against a model's parameter names, and echoed back.

The symbols a claim may use are the model's parameters by their LaTeX names
(``ParamSpec.latex``: ``c``, ``\theta``, ``\varepsilon``, ``r_0`` ...; ``symdyn
models --json`` lists them) and, for a target that depends on time, the time
``t`` (``k`` for discrete GD).  Parameters whose LaTeX is not a single name (such
as ``\alpha/\beta``) are not symbols.  The entries of a list-valued parameter
(``sigma=3,2,1``, LaTeX ``\sigma``) are ``\sigma_1``, ``\sigma_{k}``, ``\sigma_{k+1}``:
the index is a whole number or an expression in the parameters, counted from 1.

>>> import symdyn as sd
>>> claim = parse_claim(sd.model("rank-one-denoising"), r"\theta\left(1+\frac{c}{\theta^{2}}\right)")
>>> claim.text, claim.parameters
('theta*(c/theta^2 + 1)', ('c', 'theta'))
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

import sympy as sp

from ..errors import ParameterError
from ._lexer import MAX_LENGTH
from ._parser import latex_name, parse
from ._printing import latex as _latex
from ._printing import text as _text

__all__ = ["Claim", "SymbolTable", "symbol_table", "parse_claim", "read_claim_file", "strip_delimiters", "list_valued"]


def list_valued(spec) -> bool:
    """Whether a parameter holds a list of numbers (a ``Vector`` domain, e.g. ``sigma=3,2,1``)."""
    return hasattr(spec.domain, "element")


@dataclass(frozen=True)
class SymbolTable:
    """Allowed names (canonical key -> symbol), the parameter behind each symbol, and its LaTeX.

    ``indexers`` build the entries of list-valued parameters (``\\sigma_1``,
    ``\\sigma_{k+1}``); ``indexed`` records each one built: symbol -> (parameter, index).
    """

    by_key: Mapping[str, sp.Symbol]
    parameter: Mapping[sp.Symbol, str]
    latex: dict[sp.Symbol, str]
    time: sp.Symbol | None
    indexers: Mapping[str, Callable[[sp.Expr], sp.Symbol]] = field(default_factory=dict)
    indexed: dict[sp.Symbol, tuple[str, sp.Expr]] = field(default_factory=dict)
    list_names: tuple[str, ...] = ()

    def describe(self) -> str:
        names = [self.latex[s] for s in self.by_key.values() if s is not self.time]
        names += [f"{latex}_{{i}}" for latex in self.list_names]
        text = ", ".join(names) if names else "no parameters"
        if self.time is not None:
            text += f" and the time {self.latex[self.time]}"
        return text


def symbol_table(model, time_name: str | None = None) -> SymbolTable:
    """The names a claim about *model* may use (plus the time *time_name*, if given)."""
    by_key: dict[str, sp.Symbol] = {}
    parameter: dict[sp.Symbol, str] = {}
    latex: dict[sp.Symbol, str] = {}
    indexers: dict[str, Callable[[sp.Expr], sp.Symbol]] = {}
    indexed: dict[sp.Symbol, tuple[str, sp.Expr]] = {}
    list_names = []
    for spec in model.parameter_specs:
        key = latex_name(spec.latex) if spec.latex else None
        if key is None or key in by_key:
            continue
        if list_valued(spec):
            if "_" not in key:
                indexers[key] = _indexer(spec, latex, indexed)
                list_names.append(spec.latex)
            continue
        sym = sp.Symbol(spec.name)
        by_key[key] = sym
        parameter[sym] = spec.name
        latex[sym] = spec.latex
    time = None
    if time_name is not None and time_name not in by_key:
        time = sp.Symbol(time_name)
        by_key[time_name] = time
        latex[time] = time_name
    return SymbolTable(by_key, parameter, latex, time, indexers, indexed, tuple(list_names))


def _indexer(spec, latex: dict[sp.Symbol, str], indexed: dict[sp.Symbol, tuple[str, sp.Expr]]):
    def build(index: sp.Expr) -> sp.Symbol:
        simple = index.is_Integer or index.is_Symbol
        sym = sp.Symbol(f"{spec.name}_{index}" if simple else f"{spec.name}_({_text(index)})")
        latex[sym] = f"{spec.latex}_{{{_latex(index, latex)}}}"
        indexed[sym] = (spec.name, index)
        return sym

    return build


@dataclass(frozen=True)
class Claim:
    """A parsed claim: the source text, the SymPy expression and its echo (LaTeX and text)."""

    source: str
    expr: sp.Expr
    latex: str
    text: str
    parameters: tuple[str, ...]
    time: sp.Symbol | None
    table: SymbolTable

    @property
    def uses_time(self) -> bool:
        return self.time is not None and self.time in self.expr.free_symbols

    def to_json(self) -> dict[str, str]:
        return {"latex": self.latex, "text": self.text, "source": self.source}


def strip_delimiters(text: str) -> str:
    """The formula without surrounding white space and one pair of ``$``, ``$$``, ``\\(...\\)`` or ``\\[...\\]``."""
    s = text.strip()
    for left, right in (("$$", "$$"), ("$", "$"), (r"\(", r"\)"), (r"\[", r"\]")):
        if len(s) >= len(left) + len(right) and s.startswith(left) and s.endswith(right):
            return s[len(left):len(s) - len(right)].strip()
    return s


def parse_claim(model, text: str, *, time_name: str | None = None) -> Claim:
    """Parse *text* (LaTeX) into a :class:`Claim` about *model*; :class:`ParameterError` if it cannot."""
    if not isinstance(text, str):
        raise ParameterError(f"claim: expected LaTeX text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH + 8:  # refuse before any other work (the lexer checks the exact limit)
        raise ParameterError(f"claim: {len(text)} characters is longer than the limit of {MAX_LENGTH}")
    table = symbol_table(model, time_name)
    source = strip_delimiters(text)
    expr = parse(source, table.by_key, describe_allowed=table.describe(), indexed=table.indexers)
    used = set(expr.free_symbols)
    names = set()
    for sym in used:
        if sym in table.indexed:
            name, index = table.indexed[sym]
            names.add(name)
            names.update(table.parameter[s] for s in index.free_symbols)
        elif sym in table.parameter:
            names.add(table.parameter[sym])
    order = [s.name for s in model.parameter_specs]
    parameters = tuple(sorted(names, key=order.index))
    return Claim(source, expr, _latex(expr, table.latex), _text(expr), parameters, table.time, table)


def read_claim_file(path: str | Path) -> str:
    """The claim held in a file (at most :data:`~symdyn.verify._lexer.MAX_LENGTH` characters)."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(MAX_LENGTH + 1)
    except OSError as exc:
        raise ParameterError(f"--claim-file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ParameterError(f"--claim-file {path}: not UTF-8 text") from None
    if len(text) > MAX_LENGTH:
        raise ParameterError(f"claim: the file {path} holds more than the limit of {MAX_LENGTH} characters")
    return text
