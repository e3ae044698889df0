r"""A recursive-descent parser for the LaTeX math that researchers write in papers.

The parser never hands user text to ``eval``, ``sympify`` or ``parse_expr``: it
builds the SymPy expression itself from a fixed set of constructors (``Add``,
``Mul``, ``Pow``, ``Rational``/``Integer`` from the exact digits, the
:class:`sympy.Symbol` objects of the caller's symbol table, ``sqrt``/``root``,
``exp``, ``log``, ``cosh``, ``sinh``, ``tanh``, ``cos``, ``sin``, ``tan``, their inverses
``atan``, ``atanh`` ..., ``sign``, ``besseli``, ``besselj``, ``hyper``, ``lerchphi``, ``pi``,
``E``).  What it does not understand it refuses with the position, and where TeX's
reading and a hasty reading differ
(``c^23`` is ``c^{2}3`` in TeX, ``1/2c``, ``\log 2c``) it refuses rather than guesses.

Grammar (``factor`` = a primary with an optional superscript)::

    sum      := term (('+' | '-') term)*
    term     := ['+' | '-'] product ['/' factor]
    product  := factor ((\cdot | \times)? factor)*      (implicit products)
    primary  := number | name | e | \pi | ( sum ) | [ sum ] | { sum } | \left( sum \right)
              | \frac A B | \sqrt[n] A | function argument | I_order( sum ) | J_order( sum )
              | {}_p F_q ( sums ; sums ; sum ) | \Phi( sum , sum , sum )
    sums     := (sum (',' sum)*)?                         (p, then q of them; p <= q + 1 <= 5)

Names are letters or Greek commands with an optional subscript (``r_0``,
``\sigma_{k}``); they must be in the symbol table.  ``e`` is Euler's number,
``\pi`` is pi; ``i`` and ``I`` alone are refused (``I_\nu(x)`` is the modified
Bessel function).  The hypergeometric function is written as in papers: ``{}_2F_1(a, b; c; x)``,
``\,_2F_1(a, b; c; x)`` or ``{}_{2}F_{1}\left(a, b; c; x\right)`` (an empty nucleus with a
subscript is read only so); ``,`` and ``;`` separate arguments only there and in the Lerch
transcendent ``\Phi(z, s, a)``.  Nesting is bounded by :data:`~symdyn.verify._lexer.MAX_DEPTH`
(checked before recursing), exponents by :data:`MAX_EXPONENT` and exact
numbers by :data:`MAX_BITS`.

>>> import sympy as sp
>>> th, c = sp.symbols("theta c")
>>> parse(r"\sqrt{\frac{\theta^4-c}{\theta^2(\theta^2+c)}}", {"\\theta": th, "c": c})
sqrt((-c + theta**4)/(theta**2*(c + theta**2)))
>>> parse(r"\frac{I_1(2c)}{c}", {"c": c})
besseli(1, 2*c)/c
>>> parse(r"\frac{c^{2/3}}{2}\,{}_2F_1(1, \tfrac{2}{3}; \tfrac{5}{3}; c)", {"c": c})
c**(2/3)*hyper((2/3, 1), (5/3,), c)/2
>>> parse(r"\input{/etc/passwd}", {})
Traceback (most recent call last):
...
symdyn.verify._lexer.ClaimError: claim, position 1: unknown command \input (see 'symdyn verify --help' for the supported LaTeX)
"""

from __future__ import annotations

from contextlib import contextmanager
from fractions import Fraction
from typing import Callable, Iterator, Mapping

import sympy as sp

from ._lexer import GREEK, MAX_DEPTH, TEXT_COMMANDS as _TEXT_COMMANDS, ClaimError, Token, tokenize

__all__ = ["parse", "name_key", "latex_name", "check_power", "MAX_EXPONENT", "MAX_BITS", "MAX_HYPER_ORDER"]

#: Largest numerator or denominator of a numeric exponent.
MAX_EXPONENT = 1000
#: Largest exact rational the claim may build (bits of numerator plus denominator).
MAX_BITS = 100_000

_FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "exp": sp.exp, "log": sp.log, "ln": sp.log, "cosh": sp.cosh, "sinh": sp.sinh, "tanh": sp.tanh,
    "cos": sp.cos, "sin": sp.sin, "tan": sp.tan, "arctan": sp.atan, "arcsin": sp.asin, "arccos": sp.acos,
}
#: Functions written ``\operatorname{NAME}`` (SymPy prints inverse functions as ``\operatorname{atanh}``).
_NAMED_FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "sgn": sp.sign, "sign": sp.sign,
    **dict.fromkeys(("atan", "arctan"), sp.atan), **dict.fromkeys(("asin", "arcsin"), sp.asin),
    **dict.fromkeys(("acos", "arccos"), sp.acos), **dict.fromkeys(("atanh", "artanh", "arctanh"), sp.atanh),
    **dict.fromkeys(("asinh", "arsinh", "arcsinh"), sp.asinh),
    **dict.fromkeys(("acosh", "arcosh", "arccosh"), sp.acosh),
}
_FRACTIONS = frozenset({"frac", "dfrac", "tfrac"})
_BESSEL = {"I": sp.besseli, "J": sp.besselj}
_SUBSCRIPT_OPS = frozenset("+-*")
#: Largest p and q of a generalized hypergeometric function {}_pF_q.
MAX_HYPER_ORDER = 4
_SEPARATOR_USE = "',' and ';' separate arguments only in {}_pF_q(a, b; c; x) and \\Phi(z, s, a)"


def name_key(base: str, subscript: tuple[str, ...] = ()) -> str:
    """The canonical spelling of a name: ``r_0``, ``r_{0}`` and ``r_{ 0 }`` all give ``r_{0}``."""
    return base + ("_{" + " ".join(subscript) + "}" if subscript else "")


def latex_name(latex: str) -> str | None:
    """The canonical key of a LaTeX name (``"r_0"`` -> ``"r_{0}"``), or ``None`` if *latex* is not one name.

    >>> latex_name(r"\\sigma_k"), latex_name("r_{0}"), latex_name(r"\\alpha/\\beta")
    ('\\\\sigma_{k}', 'r_{0}', None)
    """
    try:
        parser = _Parser(tokenize(latex), {}, None)
        tok = parser.tok
        if not (tok.kind == "letter" or (tok.kind == "cmd" and tok.name in GREEK)):
            return None
        parser.advance()
        key = name_key(tok.text, parser.subscript())
    except ClaimError:
        return None
    return key if parser.tok.kind == "end" else None


#: Builds the symbol of an indexed name (``\\sigma_{k+1}``) from its index expression.
Indexer = Callable[[sp.Expr], sp.Expr]


def parse(text: str, symbols: Mapping[str, sp.Expr], *, describe_allowed: str | None = None,
          indexed: Mapping[str, Indexer] | None = None) -> sp.Expr:
    """The SymPy expression of the LaTeX *text*.

    Parameters
    ----------
    text : str
        LaTeX math (without ``$`` delimiters).
    symbols : mapping
        Allowed names by their canonical key (:func:`name_key`: ``"\\theta"``, ``"c"``,
        ``"r_{0}"``) to the SymPy symbol they stand for.
    describe_allowed : str, optional
        How the allowed names are listed in the error for an unknown one.
    indexed : mapping, optional
        Names that take an index expression as subscript (a list-valued parameter
        ``\\sigma``: ``\\sigma_1``, ``\\sigma_{k+1}``), by the key of the bare name, to
        a function building the symbol from the parsed index.

    Raises
    ------
    ClaimError
        (a :class:`~symdyn.errors.ParameterError`) with a one-line message and the position.
    """
    return _Parser(tokenize(text), symbols, describe_allowed, indexed).parse()


class _Parser:
    def __init__(self, tokens: list[Token], symbols: Mapping[str, sp.Expr], describe_allowed: str | None,
                 indexed: Mapping[str, Indexer] | None = None):
        self.tokens = tokens
        self.i = 0
        self.symbols = dict(symbols)
        self.indexed = dict(indexed or {})
        self.allowed = describe_allowed or (", ".join(sorted(symbols)) or "no symbols (numbers only)")
        self.depth = 0

    # ------------------------------------------------------------------ token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.i + k, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def is_op(self, text: str, tok: Token | None = None) -> bool:
        tok = tok or self.tok
        return tok.kind == "op" and tok.text == text

    def is_cmd(self, *names: str) -> bool:
        return self.tok.kind == "cmd" and self.tok.name in names

    def expect_close(self, opener: Token) -> None:
        tok = self.tok
        if tok.kind == "sep":
            raise ClaimError(_SEPARATOR_USE, tok.position)
        if tok.kind != "close":
            raise ClaimError(f"expected the closing bracket of the {opener.text!r} at position {opener.position}, "
                             f"found {self.show(tok)}", tok.position)
        self.advance()  # the lexer has checked that it matches

    @staticmethod
    def show(tok: Token) -> str:
        return "the end of the formula" if tok.kind == "end" else repr(tok.text)

    @contextmanager
    def nested(self, tok: Token) -> Iterator[None]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ClaimError(f"the formula nests deeper than the limit of {MAX_DEPTH}", tok.position)
        try:
            yield
        finally:
            self.depth -= 1

    def split_number(self) -> Token:
        """Take one digit of a number token (TeX reads ``\\frac12`` and ``c^2`` one character at a time)."""
        tok = self.advance()
        if len(tok.text) > 1:
            rest = Token("num", tok.text[1:], tok.position + 1, False)
            self.tokens.insert(self.i, rest)
            tok = Token("num", tok.text[0], tok.position, tok.space)
        if tok.text == ".":
            raise ClaimError("a decimal point cannot stand alone", tok.position)
        return tok

    # ------------------------------------------------------------------ grammar
    def parse(self) -> sp.Expr:
        if self.tok.kind == "end":
            raise ClaimError("the formula is empty")
        expr = self.sum()
        if self.tok.kind != "end":
            tok = self.tok
            if tok.kind == "close":
                raise ClaimError(f"{tok.text!r} closes nothing", tok.position)
            if tok.kind == "sep":
                raise ClaimError(_SEPARATOR_USE, tok.position)
            raise ClaimError(f"unexpected {self.show(tok)}", tok.position)
        return _finite(expr, 1)

    def sum(self) -> sp.Expr:
        terms = [self.term()]
        while self.is_op("+") or self.is_op("-"):
            terms.append(self.term())
        return sp.Add(*terms)

    def term(self) -> sp.Expr:
        sign = 1
        if self.is_op("+") or self.is_op("-"):
            sign = -1 if self.advance().text == "-" else 1
            if self.is_op("+") or self.is_op("-"):
                raise ClaimError("two signs in a row", self.tok.position)
        if self.tok.kind in ("end", "close", "sep"):
            raise ClaimError(f"a term is missing before {self.show(self.tok)}", self.tok.position)
        value = self.product()
        if self.is_op("/"):
            slash = self.advance()
            denominator, _ = self.factor(slash)
            if self.is_op("/") or self.is_cmd("cdot", "times") or self.starts_factor():
                raise ClaimError("a product after '/' is ambiguous (a/bc): write \\frac{a}{bc} or \\frac{a}{b} c",
                                 self.tok.position)
            value = _divide(value, denominator, slash.position)
        return value if sign == 1 else sp.Mul(-1, value)

    def starts_factor(self) -> bool:
        tok = self.tok
        if tok.kind in ("num", "letter", "open"):
            return True
        return tok.kind == "cmd" and tok.name not in ("cdot", "times")

    def product(self) -> sp.Expr:
        first = self.tok
        value, bare = self.factor(first)
        factors = [value]
        while True:
            tok = self.tok
            if tok.kind == "cmd" and tok.name in ("cdot", "times"):
                self.advance()
                if self.is_op("-") or self.is_op("+"):
                    sign = -1 if self.advance().text == "-" else 1
                    value, bare = self.factor(self.tok)
                    value = value if sign == 1 else sp.Mul(-1, value)
                else:
                    if not self.starts_factor():
                        raise ClaimError(f"a factor is missing after {tok.text}", self.tok.position)
                    value, bare = self.factor(self.tok)
                factors.append(value)
                continue
            if self.is_op("*"):
                raise ClaimError("'*' is not a product in LaTeX: write \\cdot or \\times", tok.position)
            if not self.starts_factor():
                break
            if tok.kind == "num":
                raise ClaimError(f"the number {tok.text} follows a factor (TeX would print them side by side): "
                                 "put numbers first or use \\cdot", tok.position)
            if bare and not (tok.kind == "cmd" and tok.name in _FUNCTIONS):
                raise ClaimError("a product after a function argument without parentheses is ambiguous "
                                 "(\\log 2c): write \\log(2c) or \\log(2)\\, c", tok.position)
            value, bare = self.factor(tok)
            factors.append(value)
        return sp.Mul(*factors)

    def factor(self, where: Token) -> tuple[sp.Expr, bool]:
        """A primary with an optional superscript; ``bare`` if it ends with a function argument
        written without parentheses."""
        if self.tok.kind in ("end", "close", "op", "sep"):
            raise ClaimError(f"expected a number, symbol or bracket, found {self.show(self.tok)}", self.tok.position)
        with self.nested(self.tok):
            base, bare = self.primary()
            if self.is_op("^"):
                caret = self.advance()
                exponent = self.script_argument(caret)
                base = _power(base, exponent, caret.position)
                bare = False
            if self.is_op("^"):
                raise ClaimError("double superscript: use braces, e.g. {c^{2}}^{3}", self.tok.position)
            if self.is_op("_"):
                raise ClaimError("a subscript must follow a name directly (r_0, \\sigma_k)", self.tok.position)
            return base, bare

    def script_argument(self, caret: Token) -> sp.Expr:
        """The argument of ``^``: a brace group or a single TeX token."""
        tok = self.tok
        if tok.kind == "open" and tok.text == "{" and not tok.sized:
            return self.group()
        if tok.kind == "num":
            digit = self.split_number()
            if self.tok.kind == "num" and not self.tok.space:
                raise ClaimError(f"TeX reads ^{digit.text}{self.tok.text} as ^{{{digit.text}}}{self.tok.text}: "
                                 f"write ^{{{digit.text}{self.tok.text}}}", digit.position)
            return sp.Integer(int(digit.text))
        if tok.kind == "letter":
            self.advance()
            return self.letter(tok, ())
        if tok.kind == "cmd" and (tok.name in GREEK or tok.name == "pi"):
            self.advance()
            return self.greek(tok, ())
        if tok.kind == "cmd" and (tok.name in _FRACTIONS or tok.name == "sqrt"):
            with self.nested(tok):
                value, _ = self.primary()
            return value
        if tok.kind == "op" and tok.text in "+-":
            raise ClaimError(f"write the exponent in braces: ^{{{tok.text}...}}", tok.position)
        raise ClaimError(f"a superscript needs an argument, found {self.show(tok)}", caret.position)

    def group(self) -> sp.Expr:
        """``{ sum }``."""
        opener = self.advance()
        if self.tok.kind == "close":
            raise ClaimError("empty braces", opener.position)
        value = self.sum()
        self.expect_close(opener)
        return value

    def argument(self, command: Token) -> sp.Expr:
        """The argument of ``\\frac`` or ``\\sqrt``: a brace group or a single TeX token."""
        tok = self.tok
        if tok.kind == "open" and tok.text == "{" and not tok.sized:
            return self.group()
        if tok.kind == "num":
            return sp.Integer(int(self.split_number().text))
        if tok.kind == "letter":
            self.advance()
            return self.letter(tok, ())
        if tok.kind == "cmd" and (tok.name in GREEK or tok.name == "pi"):
            self.advance()
            return self.greek(tok, ())
        raise ClaimError(f"{command.text} needs an argument in braces, found {self.show(tok)}", tok.position)

    def primary(self) -> tuple[sp.Expr, bool]:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return sp.Rational(Fraction(tok.text)), False
        if tok.kind == "open":
            if tok.text == "{" and not tok.sized and self.peek().kind == "close" and self.is_op("_", self.peek(2)):
                return self.hypergeometric(), False
            self.advance()
            if self.tok.kind == "close":
                raise ClaimError("empty brackets", tok.position)
            value = self.sum()
            self.expect_close(tok)
            return value, False
        if tok.kind == "letter":
            self.advance()
            sub = self.subscript()
            return self.letter(tok, sub), False
        if tok.kind == "cmd":
            name = tok.name
            if name in GREEK or name == "pi":
                self.advance()
                return self.greek(tok, self.subscript()), False
            if name in _FRACTIONS:
                self.advance()
                numerator = self.argument(tok)
                denominator = self.argument(tok)
                return _divide(numerator, denominator, tok.position), False
            if name == "sqrt":
                return self.root(), False
            if name in _FUNCTIONS:
                self.advance()
                return self.function(tok, _FUNCTIONS[name])
            if name in _TEXT_COMMANDS:
                self.advance()
                word = self.text_argument(tok)
                if word == "e":
                    return sp.E, False
                if word in _NAMED_FUNCTIONS:
                    return self.function(tok, _NAMED_FUNCTIONS[word])
                if word == "i":
                    raise ClaimError("the imaginary unit is not part of the subset (claims are real)", tok.position)
                raise ClaimError(f"{tok.text}{{{word}}} is not supported: known are \\mathrm{{e}} and the functions "
                                 + ", ".join(sorted(_NAMED_FUNCTIONS)), tok.position)
            if name in ("cdot", "times"):
                raise ClaimError(f"{tok.text} needs a factor before it", tok.position)
            raise ClaimError(f"unknown command {tok.text} (see 'symdyn verify --help' for the supported LaTeX)",
                             tok.position)
        raise ClaimError(f"unexpected {self.show(tok)}", tok.position)

    def subscript(self) -> tuple[str, ...]:
        """The subscript of a name as canonical text tokens (``r_0`` -> ``("0",)``)."""
        if not self.is_op("_"):
            return ()
        underscore = self.advance()
        tok = self.tok
        if tok.kind == "open" and tok.text == "{" and not tok.sized:
            opener = self.advance()
            parts: list[str] = []
            while self.tok.kind != "close":
                parts.extend(self.subscript_token(underscore))
            self.expect_close(opener)
            if not parts:
                raise ClaimError("empty subscript", underscore.position)
            return tuple(parts)
        if tok.kind == "num":
            return (self.split_number().text,)
        return tuple(self.subscript_token(underscore))

    def subscript_token(self, underscore: Token) -> list[str]:
        tok = self.tok
        if tok.kind in ("letter", "num"):
            self.advance()
            return [tok.text]
        if tok.kind == "op" and tok.text in _SUBSCRIPT_OPS:
            self.advance()
            return [tok.text]
        if tok.kind == "cmd" and (tok.name in GREEK or tok.name in ("pm", "mp")):
            self.advance()
            return [tok.text]
        if tok.kind == "cmd" and tok.name in _TEXT_COMMANDS:
            self.advance()
            return [self.text_argument(tok)]
        raise ClaimError(f"{self.show(tok)} cannot be part of a subscript", tok.position if tok.kind != "end"
                         else underscore.position)

    def text_argument(self, command: Token) -> str:
        """The letters of ``\\operatorname{sgn}``, ``\\mathrm{e}``."""
        if not (self.tok.kind == "open" and self.tok.text == "{" and not self.tok.sized):
            raise ClaimError(f"{command.text} needs its argument in braces", command.position)
        opener = self.advance()
        letters = []
        while self.tok.kind == "letter":
            letters.append(self.advance().text)
        if self.tok.kind != "close" or not letters:
            raise ClaimError(f"{command.text}{{...}} may hold only letters", self.tok.position)
        self.expect_close(opener)
        return "".join(letters)

    def letter(self, tok: Token, sub: tuple[str, ...]) -> sp.Expr:
        key = name_key(tok.text, sub)
        if key in self.symbols:
            return self.symbols[key]
        if sub and tok.text in self.indexed:
            return self.index(tok, sub)
        if tok.text in _BESSEL and sub and self.tok.kind == "open" and self.tok.text == "(":
            return self.bessel(tok, sub)
        if tok.text in _BESSEL and sub:
            raise ClaimError(f"the Bessel function {key} needs its argument in parentheses: {key}(x)", tok.position)
        if not sub and tok.text == "e":
            return sp.E
        if not sub and tok.text in "iI":
            raise ClaimError(f"{tok.text!r} alone is not supported: the imaginary unit is not part of the subset "
                             "(I_\\nu(x) and J_\\nu(x) are Bessel functions)", tok.position)
        return self.unknown(tok, key)

    def greek(self, tok: Token, sub: tuple[str, ...]) -> sp.Expr:
        key = name_key(tok.text, sub)
        if key in self.symbols:
            return self.symbols[key]
        if sub and tok.text in self.indexed:
            return self.index(tok, sub)
        if tok.name == "pi" and not sub:
            return sp.pi
        if tok.name == "Phi" and not sub and self.tok.kind == "open" and self.tok.text == "(":
            return self.lerch(tok)
        return self.unknown(tok, key)

    def unknown(self, tok: Token, key: str) -> sp.Expr:
        raise ClaimError(f"unknown symbol {key}: the claim may use {self.allowed}", tok.position)

    def subscript_expression(self, sub: tuple[str, ...]) -> sp.Expr:
        """A subscript read as name text, parsed again as an expression (Bessel orders, indices)."""
        return _Parser(tokenize(_subscript_source(sub)), self.symbols, self.allowed).parse()

    def index(self, tok: Token, sub: tuple[str, ...]) -> sp.Expr:
        index = self.subscript_expression(sub)
        if not all(s in self.symbols.values() for s in index.free_symbols) or not (
                index.is_Integer or index.free_symbols):
            raise ClaimError(f"the index of {tok.text}_{{...}} must be a whole number or an expression in "
                             f"the parameters, not {index}", tok.position)
        return self.indexed[tok.text](index)

    def bessel(self, tok: Token, sub: tuple[str, ...]) -> sp.Expr:
        # the order was read as name text; parse it again as an expression
        order = self.subscript_expression(sub)
        opener = self.advance()
        argument = self.sum()
        self.expect_close(opener)
        return _finite(_BESSEL[tok.text](order, argument), tok.position)

    def arguments(self, what: str) -> list[list[sp.Expr]]:
        """``( a, b; c; x )``: the comma-separated lists between the semicolons (a list may be empty)."""
        opener = self.advance()
        groups: list[list[sp.Expr]] = [[]]
        while self.tok.kind != "close":
            if self.tok.kind == "sep" and self.tok.text == ";":
                groups.append([])
                self.advance()
                continue
            groups[-1].append(self.sum())
            if self.tok.kind == "sep" and self.tok.text == ",":
                comma = self.advance()
                if self.tok.kind in ("sep", "close"):
                    raise ClaimError(f"{what}: an argument is missing after ','", comma.position)
            elif not (self.tok.kind == "close" or self.tok.kind == "sep"):
                self.expect_close(opener)
        if not groups[-1]:
            raise ClaimError(f"{what} has an empty argument", self.tok.position)
        self.expect_close(opener)
        return groups

    def order(self, underscore: Token) -> int:
        """The p or q of {}_pF_q: one digit, or digits in braces."""
        sub = self.subscript()
        if len(sub) != 1 or not sub[0].isdigit():
            raise ClaimError("a hypergeometric function is written {}_pF_q(a_1, ..., a_p; b_1, ..., b_q; x) with "
                             "whole numbers p and q", underscore.position)
        return int(sub[0])

    def hypergeometric(self) -> sp.Expr:
        r"""``{}_pF_q(a_1, ..., a_p; b_1, ..., b_q; x)`` (also ``\,_2F_1``, ``{}_{2}F_{1}\left(...\right)``)."""
        start = self.advance()
        self.advance()
        underscore = self.tok
        p = self.order(underscore)
        tok = self.tok
        if tok.kind == "cmd" and tok.name in _TEXT_COMMANDS:
            self.advance()
            letter = self.text_argument(tok)
        elif tok.kind == "letter":
            letter = self.advance().text
        else:
            letter = ""
        if letter != "F" or not self.is_op("_"):
            raise ClaimError("an empty group {} with a subscript is read only as a hypergeometric function "
                             "{}_pF_q(a_1, ..., a_p; b_1, ..., b_q; x)", start.position)
        q = self.order(self.tok)
        name = f"{{}}_{p}F_{q}"
        if p > MAX_HYPER_ORDER or q > MAX_HYPER_ORDER:
            raise ClaimError(f"{name}: p and q up to {MAX_HYPER_ORDER} are supported", start.position)
        if p > q + 1:
            raise ClaimError(f"{name} diverges for every x != 0 (p > q + 1): not supported", start.position)
        if not (self.tok.kind == "open" and self.tok.text == "("):
            raise ClaimError(f"{name} needs its arguments in parentheses: {name}(a_1, ..., a_p; b_1, ..., b_q; x)",
                             self.tok.position if self.tok.kind != "end" else start.position)
        where = self.tok.position
        groups = self.arguments(name)
        if len(groups) != 3 or len(groups[2]) != 1:
            raise ClaimError(f"{name} takes (a_1, ..., a_p; b_1, ..., b_q; x): two ';' and one argument x after "
                             f"the second, found {len(groups) - 1} ';'", where)
        upper, lower, (x,) = groups
        if (len(upper), len(lower)) != (p, q):
            raise ClaimError(f"{name} takes {p} upper and {q} lower parameters, found {len(upper)} and {len(lower)}",
                             where)
        for b in lower:
            if b.is_integer and b.is_nonpositive:
                raise ClaimError(f"{name}: the lower parameter {b} is a pole of the series", where)
        return _finite(sp.hyper(upper, lower, x), start.position)

    def lerch(self, tok: Token) -> sp.Expr:
        r"""``\Phi(z, s, a)``: the Lerch transcendent."""
        where = self.tok.position
        groups = self.arguments(tok.text)
        if len(groups) != 1 or len(groups[0]) != 3:
            raise ClaimError(r"\Phi is the Lerch transcendent \Phi(z, s, a): three arguments separated by ','",
                             where)
        return _finite(sp.lerchphi(*groups[0]), tok.position)

    def root(self) -> sp.Expr:
        command = self.advance()
        index = None
        if self.tok.kind == "open" and self.tok.text == "[" and not self.tok.sized:
            opener = self.advance()
            index = self.sum()
            self.expect_close(opener)
            if not (index.is_Integer and 2 <= index <= MAX_EXPONENT):
                raise ClaimError(f"the index of \\sqrt[n] must be a whole number 2..{MAX_EXPONENT}, not {index}",
                                 opener.position)
        radicand = self.argument(command)
        if index is None:
            return _power(radicand, sp.Rational(1, 2), command.position)
        return _power(radicand, sp.Rational(1, int(index)), command.position)

    def function(self, tok: Token, func: Callable[[sp.Expr], sp.Expr]) -> tuple[sp.Expr, bool]:
        """``\\exp(x)``, ``\\log{\\left(x\\right)}``, ``\\cosh^{2}(x)``, ``\\sin\\theta``."""
        power = None
        if self.is_op("^"):
            caret = self.advance()
            power = self.script_argument(caret)
            if not (power.is_Integer and 1 <= power <= MAX_EXPONENT):
                raise ClaimError(f"{tok.text}^{{{power}}} is ambiguous (a power or an inverse function): write "
                                 f"the power after the argument, e.g. {tok.text}(x)^{{2}}", caret.position)
        if self.is_op("_"):
            raise ClaimError(f"{tok.text} with a subscript (a base or an index) is not supported", self.tok.position)
        bare = False
        if self.tok.kind == "open" and (self.tok.text in "([" or not self.tok.sized):
            opener = self.advance()
            if self.tok.kind == "close":
                raise ClaimError(f"{tok.text} has an empty argument", opener.position)
            argument = self.sum()
            self.expect_close(opener)
        elif self.tok.kind in ("num", "letter", "cmd"):
            argument, _ = self.factor(self.tok)
            bare = True
        else:
            raise ClaimError(f"{tok.text} needs an argument", tok.position)
        value = _finite(func(argument), tok.position)
        if power is not None:
            value = _power(value, power, tok.position)
        return value, bare


def _subscript_source(sub: tuple[str, ...]) -> str:
    return "{" + " ".join(sub) + "}"


def _finite(expr: sp.Expr, position: int) -> sp.Expr:
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ClaimError("the formula divides by zero or is infinite", position)
    return expr


def _divide(numerator: sp.Expr, denominator: sp.Expr, position: int) -> sp.Expr:
    if denominator == 0:
        raise ClaimError("division by zero", position)
    return _finite(sp.Mul(numerator, _power(denominator, sp.Integer(-1), position)), position)


def check_power(base: sp.Expr, exponent: sp.Expr, *, literal: bool = True) -> str | None:
    """Why ``base**exponent`` would be too large to build exactly, or ``None``.

    A *literal* exponent (as written in the claim) has numerator and denominator up to
    :data:`MAX_EXPONENT`; an exponent that a parameter value made (``c^{\\kappa}`` at
    ``kappa = 2367/5000``) only its size, with the same bound on the result's digits.
    """
    if exponent.is_Rational:
        if literal and (abs(exponent.p) > MAX_EXPONENT or exponent.q > MAX_EXPONENT):
            return f"the exponent {exponent} exceeds the limit of {MAX_EXPONENT} (numerator and denominator)"
        if not literal and abs(exponent) > MAX_EXPONENT:
            return f"the exponent {exponent} exceeds the limit of {MAX_EXPONENT} in absolute value"
        if base.is_Rational and base != 0:
            bits = (abs(base.p).bit_length() + base.q.bit_length()) * abs(exponent.p) // exponent.q
            if bits > MAX_BITS:
                shown = str(base) if len(str(base)) <= 20 else f"a {len(str(base))}-character number"
                return (f"{shown} to the power {exponent} has about {int(bits * 0.30103)} digits, beyond the "
                        f"limit of {int(MAX_BITS * 0.30103)}")
    return None


def _power(base: sp.Expr, exponent: sp.Expr, position: int) -> sp.Expr:
    problem = check_power(base, exponent)
    if problem:
        raise ClaimError(problem, position)
    if base == 0 and (exponent.is_negative or exponent == 0):
        raise ClaimError("0 to a power that is not positive", position)
    return _finite(sp.Pow(base, exponent), position)
