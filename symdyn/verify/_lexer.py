"""Tokens of the LaTeX math subset that ``symdyn verify`` reads.

The lexer is one linear pass over the text: it enforces the size limits, drops
spacing commands, merges ``\\left(``/``\\right)`` (and ``\\bigl(`` ...) into one
bracket token, and checks that every bracket is closed by its partner and that
brackets nest at most :data:`MAX_DEPTH` deep, all before the parser recurses.
Characters outside the subset are refused with their position.

>>> [t.text for t in tokenize(r"\\frac{1}{\\theta}\\,c^2")]
['\\\\frac', '{', '1', '}', '{', '\\\\theta', '}', 'c', '^', '2', '']
>>> tokenize(r"\\frac{1}{2")
Traceback (most recent call last):
...
symdyn.verify._lexer.ClaimError: claim, position 9: '{' is never closed
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import ParameterError

__all__ = ["Token", "tokenize", "ClaimError", "MAX_LENGTH", "MAX_DEPTH", "MAX_DIGITS", "GREEK", "FUNCTION_WORDS",
           "TEXT_COMMANDS"]

#: Longest accepted claim (characters).
MAX_LENGTH = 4000
#: Deepest accepted nesting of brackets, braces and command arguments.
MAX_DEPTH = 40
#: Longest accepted number literal (digits).
MAX_DIGITS = 200

Kind = Literal["num", "letter", "cmd", "op", "sep", "open", "close", "end"]

GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi rho "
    "varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma Upsilon "
    "Phi Psi Omega ell".split()
)
#: Runs of plain letters that are almost surely a forgotten backslash (``theta``, ``sqrt``).
FUNCTION_WORDS = frozenset("exp log ln sqrt frac cosh sinh tanh cos sin tan arctan arcsin arccos atan atanh artanh "
                           "arctanh pi sgn sign".split())

#: Commands whose brace argument is a word (``\operatorname{sgn}``, ``\mathrm{e}``).
TEXT_COMMANDS = frozenset({"operatorname", "mathrm", "text", "textrm"})
_SPACING = frozenset({",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle"})
_SIZES = frozenset({"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
                    "biggl", "biggr", "Biggl", "Biggr"})
_OPENING_SIZES = frozenset({"left", "bigl", "Bigl", "biggl", "Biggl"})
_CLOSING_SIZES = frozenset({"right", "bigr", "Bigr", "biggr", "Biggr"})
_PAIRS = {"(": ")", "[": "]", "{": "}"}
_OPS = frozenset("+-/^_*")
#: Argument separators: only inside ``{}_pF_q(a, b; c; x)`` and ``\\Phi(z, s, a)``.
_SEPARATORS = frozenset(",;")
_HINTS = {
    "*": "write \\cdot or \\times for a product",
    "=": "give only the right-hand side of the formula",
    "%": "'%' starts a TeX comment: remove it",
    "$": "give the formula without '$' delimiters inside it",
    "'": "primes (derivatives) are not part of the subset",
    "|": "absolute values are not part of the subset",
    "!": "factorials are not part of the subset",
    "&": "alignment characters are not part of the subset",
    "#": "macro parameters are not part of the subset",
}


class ClaimError(ParameterError):
    """A claim outside the supported LaTeX subset (one line, with the position)."""

    def __init__(self, message: str, position: int | None = None) -> None:
        where = f", position {position}" if position is not None else ""
        super().__init__(f"claim{where}: {message}")
        self.position = position


@dataclass(frozen=True)
class Token:
    """One token: its kind, its text (``\\theta``, ``12``, ``(``), its 1-based position.

    ``space`` tells whether white space (or a spacing command) precedes it;
    ``sized`` marks a bracket written with ``\\left``/``\\right`` or ``\\bigl``...
    """

    kind: Kind
    text: str
    position: int
    space: bool = False
    sized: bool = False

    @property
    def name(self) -> str:
        """The command name without its backslash (``theta`` for ``\\theta``)."""
        return self.text[1:] if self.kind == "cmd" else self.text


def _command(text: str, i: int) -> tuple[str, int]:
    """The command starting at ``text[i] == '\\\\'``: its name and the index after it."""
    j = i + 1
    if j >= len(text):
        raise ClaimError("a lone backslash", i + 1)
    if text[j].isascii() and text[j].isalpha():
        while j < len(text) and text[j].isascii() and text[j].isalpha():
            j += 1
        return text[i + 1:j], j
    return text[j], j + 1


def tokenize(text: str) -> list[Token]:
    """The tokens of *text*, ending with an ``end`` token; :class:`ClaimError` if outside the subset."""
    if not isinstance(text, str):
        raise ClaimError(f"expected LaTeX text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ClaimError(f"{len(text)} characters is longer than the limit of {MAX_LENGTH}")
    tokens: list[Token] = []
    stack: list[Token] = []
    i, space = 0, False

    def push(tok: Token) -> None:
        nonlocal space
        tokens.append(tok)
        space = False

    while i < len(text):
        ch = text[i]
        pos = i + 1
        if ch in " \t\r\n~":
            space, i = True, i + 1
            continue
        if ch.isascii() and ch.isdigit() or (ch == "." and i + 1 < len(text) and text[i + 1].isdigit()):
            j = i
            while j < len(text) and text[j].isascii() and text[j].isdigit():
                j += 1
            if j < len(text) and text[j] == ".":
                j += 1
                if not (j < len(text) and text[j].isascii() and text[j].isdigit()):
                    raise ClaimError(f"the number {text[i:j]!r} ends with a decimal point", pos)
                while j < len(text) and text[j].isascii() and text[j].isdigit():
                    j += 1
            if j - i > MAX_DIGITS:
                raise ClaimError(f"a number with {j - i} digits is longer than the limit of {MAX_DIGITS}", pos)
            if (j + 1 < len(text) and text[j] in "eE" and (text[j + 1].isdigit() or text[j + 1] in "+-")):
                raise ClaimError(f"{text[i:j + 2]!r}... looks like scientific notation, which LaTeX reads as a "
                                 "product with e: write 10^{-3} instead of 1e-3", pos)
            push(Token("num", text[i:j], pos, space))
            i = j
            continue
        if ch.isascii() and ch.isalpha():
            j = i
            while j < len(text) and text[j].isascii() and text[j].isalpha():
                j += 1
            word = text[i:j]
            in_text = (len(tokens) >= 2 and tokens[-1].text == "{" and tokens[-2].kind == "cmd"
                       and tokens[-2].name in TEXT_COMMANDS)
            if len(word) > 1 and (word in GREEK or word in FUNCTION_WORDS) and not in_text:
                raise ClaimError(f"{word!r} is read by LaTeX as a product of the letters {', '.join(word)}: "
                                 f"write \\{word}", pos)
            for k, letter in enumerate(word):
                push(Token("letter", letter, pos + k, space and k == 0))
            i = j
            continue
        if ch == "\\":
            name, j = _command(text, i)
            if name in _SPACING:
                k = j
                while k < len(text) and text[k] in " \t\r\n":
                    k += 1
                if k < len(text) and text[k] == "_":  # TeX: a subscript after a space has an empty nucleus
                    push(Token("open", "{", pos, True))
                    push(Token("close", "}", pos, False))
                space, i = True, j
                continue
            if name == "middle":
                raise ClaimError("\\middle (SymPy's \\begin{matrix}...\\middle| x form of a hypergeometric "
                                 "function) is not part of the subset: write {}_2F_1(a, b; c; x)", pos)
            if name in _SIZES:
                k = j
                while k < len(text) and text[k] in " \t\r\n":
                    k += 1
                if k < len(text) and text[k] in "()[]":
                    delim = text[k]
                    kind = "open" if delim in "([" else "close"
                    if (kind == "open" and name in _CLOSING_SIZES) or (kind == "close" and name in _OPENING_SIZES):
                        raise ClaimError(f"\\{name}{delim} uses the wrong side", pos)
                    tok = Token(kind, delim, pos, space, sized=True)
                    i = k + 1
                else:
                    what = text[k:k + 2] if k < len(text) else "the end"
                    raise ClaimError(f"\\{name} must be followed by ( ) [ or ], not {what!r}", pos)
            else:
                tok = Token("cmd", "\\" + name, pos, space)
                i = j
                if name in ("{", "}"):
                    raise ClaimError("literal braces \\{ \\} are not part of the subset: use ( ) for grouping", pos)
        elif ch in "([{":
            tok = Token("open", ch, pos, space)
            i += 1
        elif ch in ")]}":
            tok = Token("close", ch, pos, space)
            i += 1
        elif ch in _OPS:
            tok = Token("op", ch, pos, space)
            i += 1
        elif ch in _SEPARATORS:
            tok = Token("sep", ch, pos, space)
            i += 1
        else:
            hint = _HINTS.get(ch, "it is not part of the supported LaTeX subset (see 'symdyn verify --help')")
            raise ClaimError(f"character {ch!r} cannot be read: {hint}", pos)
        if tok.kind == "open":
            stack.append(tok)
            if len(stack) > MAX_DEPTH:
                raise ClaimError(f"brackets nest deeper than the limit of {MAX_DEPTH}", pos)
        elif tok.kind == "close":
            if not stack:
                raise ClaimError(f"{tok.text!r} closes nothing", pos)
            opener = stack.pop()
            if _PAIRS[opener.text] != tok.text or opener.sized != tok.sized:
                raise ClaimError(f"{tok.text!r} does not match the {_describe(opener)} at position "
                                 f"{opener.position}", pos)
        push(tok)
    if stack:
        raise ClaimError(f"{_describe(stack[-1])} is never closed", stack[-1].position)
    tokens.append(Token("end", "", len(text) + 1, space))
    return tokens


def _describe(tok: Token) -> str:
    return f"'\\left{tok.text}'" if tok.sized else repr(tok.text)
