"""LaTeX output: printer settings for SymPy expressions and document assembly.

Generic over models (the derivation writer and the report writer both use it).
Three groups of helpers:

* **Expressions.** :func:`latex` prints a SymPy expression with the symdyn
  printer: Greek letters for ``theta``, ``lambda``, ``kappa``..., ``lambda_+``
  as :math:`\\lambda_{+}`, fractional powers as roots, and sums that start with
  their positive terms (``\\lambda_{+} - \\lambda`` rather than
  ``- \\lambda + \\lambda_{+}``).  Expressions holding float literals are
  refused: symdyn keeps constants exact (``Rational``).  :func:`equation`
  renders ``lhs = rhs`` (either side a SymPy expression or raw LaTeX).
* **Text.** Prose in symdyn (step statements, verification descriptions) is
  written as LaTeX text with inline math between ``$...$``.  :func:`escape`
  makes arbitrary plain text safe for LaTeX; :func:`plain_text` turns the
  LaTeX-flavoured prose into readable Unicode for terminals and JSON.
* **Documents.** :func:`document` assembles a complete, self-contained LaTeX
  document (preamble, title, abstract, sections, bibliography) that compiles
  with plain ``pdflatex`` and only the packages of Debian's
  ``texlive-latex-base``; BibTeX entries are turned into a ``thebibliography``
  list, so no ``bibtex`` run is needed.  :func:`compile_pdf` runs pdflatex.

>>> import sympy as sp
>>> from symdyn.symbols import c, theta, lam
>>> latex(c ** sp.Rational(1, 4))
'\\\\sqrt[4]{c}'
>>> latex(sp.Symbol("lambda_+") - lam)
'\\\\lambda_{+} - \\\\lambda'
>>> equation(sp.Symbol("theta_c"), c ** sp.Rational(1, 4))
'\\\\theta_{c} = \\\\sqrt[4]{c}'
>>> plain_text(r"$\\theta^4 > c$ and $\\zeta_u = \\sqrt{x}$")
'θ⁴ > c and ζ_u = √x'
>>> tex = document("A title", [Section("One", "Text with $x^2$.")])
>>> tex.startswith("\\\\documentclass") and tex.rstrip().endswith("\\\\end{document}")
True
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import mpmath as mp
import sympy as sp
from sympy.printing.latex import LatexPrinter

from .exact import mp_to_decimal

__all__ = [
    "PRINTER_SETTINGS",
    "SymdynLatexPrinter",
    "latex",
    "equation",
    "escape",
    "plain_text",
    "number",
    "prose",
    "Prose",
    "typeset",
    "code",
    "table",
    "figure",
    "inline",
    "value",
    "parameter_symbol",
    "without_time",
    "name_symbol",
    "Section",
    "BibEntry",
    "parse_bibtex",
    "document",
    "compile_pdf",
    "LatexError",
    "PREAMBLE_PACKAGES",
]

#: Settings of :class:`SymdynLatexPrinter` (SymPy ``LatexPrinter`` settings).
PRINTER_SETTINGS: dict[str, Any] = {
    "fold_short_frac": False,
    "ln_notation": True,
    "root_notation": True,
    "inv_trig_style": "abbreviated",
    "mul_symbol": None,
    "imaginary_unit": "i",
}

#: Packages of the preamble.  All are part of Debian's ``texlive-latex-base`` and
#: ``texlive-base`` (amssymb), so the document compiles on a minimal TeX install.
PREAMBLE_PACKAGES: tuple[str, ...] = ("amsmath", "amssymb", "geometry", "hyperref")


class LatexError(RuntimeError):
    """pdflatex failed (the message holds the first LaTeX error lines)."""


class SymdynLatexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with symdyn's conventions.

    Differences from ``sympy.latex``: sums list their terms with a positive
    leading coefficient first, so that ``lambda_+ - lambda`` and
    ``theta^4 - c`` read as written by hand; hypergeometric functions are
    written ``{}_{2}F_{1}\\left(a, b; c; x\\right)`` as in papers (SymPy: a
    ``matrix`` environment); float literals are refused.

    >>> import sympy as sp
    >>> x = sp.Symbol("x")
    >>> latex(sp.hyper((1, sp.Rational(2, 3)), (sp.Rational(5, 3),), x))
    '{}_{2}F_{1}\\\\left(\\\\frac{2}{3}, 1; \\\\frac{5}{3}; x\\\\right)'
    """

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        merged = dict(PRINTER_SETTINGS)
        merged.update(settings or {})
        super().__init__(merged)

    def _as_ordered_terms(self, expr, order=None):  # noqa: D401 - SymPy hook
        terms = list(super()._as_ordered_terms(expr, order=order))
        positive = [t for t in terms if not t.could_extract_minus_sign()]
        negative = [t for t in terms if t.could_extract_minus_sign()]
        return positive + negative

    def _print_hyper(self, expr, exp=None):
        """``{}_{2}F_{1}\\left(a, b; c; x\\right)``: the notation of papers (and of ``symdyn verify``)."""
        ap, bq = (", ".join(self._print(a) for a in v) for v in (expr.ap, expr.bq))
        tex = (f"{{}}_{{{len(expr.ap)}}}F_{{{len(expr.bq)}}}\\left({ap}; {bq}; {self._print(expr.argument)}"
               "\\right)")
        return tex if exp is None else f"{{{tex}}}^{{{exp}}}"

    def _print_Float(self, expr):  # pragma: no cover - guarded in latex()
        raise ValueError(f"float literal {expr} in a symdyn expression: use sympy.Rational")


def _check_exact(expr: sp.Basic) -> None:
    if isinstance(expr, sp.Basic) and expr.atoms(sp.Float):
        floats = ", ".join(sorted(str(f) for f in expr.atoms(sp.Float)))
        raise ValueError(f"expression holds float literals ({floats}): use sympy.Rational for exact constants")


def latex(expr: Any, **settings: Any) -> str:
    """LaTeX of a SymPy expression with the symdyn printer settings.

    A string is returned unchanged (it is taken to be LaTeX already).

    Parameters
    ----------
    expr : sympy.Basic or str
        The expression; it must not contain float literals.
    **settings
        Overrides of :data:`PRINTER_SETTINGS` (any ``sympy.latex`` setting).

    Examples
    --------
    >>> import sympy as sp
    >>> from symdyn.symbols import theta, c
    >>> latex((theta**4 - c) / theta**2)
    '\\\\frac{\\\\theta^{4} - c}{\\\\theta^{2}}'
    >>> latex(sp.Float(0.5) * theta)
    Traceback (most recent call last):
    ...
    ValueError: expression holds float literals (0.500000000000000): use sympy.Rational for exact constants
    """
    if isinstance(expr, str):
        return expr
    expr = sp.sympify(expr)
    _check_exact(expr)
    return SymdynLatexPrinter(settings).doprint(expr)


def equation(lhs: Any, rhs: Any, relation: str = "=", **settings: Any) -> str:
    """The body of one displayed equation ``lhs relation rhs``.

    Either side may be a SymPy expression (printed with :func:`latex`) or a
    LaTeX string.

    >>> from symdyn.symbols import c
    >>> equation(r"\\lambda_\\pm", (1 + c**sp.Rational(1, 2))**2, r"\\ne")
    '\\\\lambda_\\\\pm \\\\ne \\\\left(\\\\sqrt{c} + 1\\\\right)^{2}'
    """
    return f"{latex(lhs, **settings)} {relation} {latex(rhs, **settings)}"


# --------------------------------------------------------------------------- text

_ESCAPES = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}

_UNICODE_TO_LATEX = {
    "α": r"$\alpha$", "β": r"$\beta$", "γ": r"$\gamma$", "δ": r"$\delta$", "ε": r"$\varepsilon$",
    "ζ": r"$\zeta$", "η": r"$\eta$", "θ": r"$\theta$", "κ": r"$\kappa$", "λ": r"$\lambda$",
    "μ": r"$\mu$", "ν": r"$\nu$", "π": r"$\pi$", "ρ": r"$\rho$", "σ": r"$\sigma$", "τ": r"$\tau$",
    "φ": r"$\varphi$", "≤": r"$\le$", "≥": r"$\ge$", "≠": r"$\ne$", "±": r"$\pm$", "→": r"$\to$",
    "∞": r"$\infty$", "√": r"$\surd$", "·": r"$\cdot$", "×": r"$\times$", "−": "-", "…": r"\dots{}",
    "²": r"$^2$", "³": r"$^3$", "⁴": r"$^4$", "⁻": r"$^-$", "¹": r"$^1$", "₊": r"$_+$", "₋": r"$_-$",
    "–": "--", "—": "---", "’": "'", "“": "``", "”": "''",
}


def escape(text: str) -> str:
    """Make plain text safe inside a LaTeX paragraph.

    LaTeX special characters are escaped and common Unicode mathematical
    characters (Greek letters, ``≤``, ``±``, superscript digits) become inline
    math, so the result compiles with pdflatex without Unicode packages;
    characters outside that table are replaced by ``?``.

    >>> escape("50% of |x_1| < θ")
    '50\\\\% of \\\\textbar{}x\\\\_1\\\\textbar{} \\\\textless{} $\\\\theta$'
    """
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch in _UNICODE_TO_LATEX:
            out.append(_UNICODE_TO_LATEX[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append("?")
    return "".join(out)


_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "θ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ", "Omega": "Ω",
}
_SYMBOLS = {
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "pm": "±", "mp": "∓",
    "to": "→", "rightarrow": "→", "infty": "∞", "cdot": "·", "times": "×", "approx": "≈",
    "sim": "~", "langle": "⟨", "rangle": "⟩", "int": "∫", "sum": "Σ", "prod": "Π",
    "partial": "∂", "in": "∈", "ldots": "…", "dots": "…", "cdots": "⋯", "equiv": "≡",
    "propto": "∝", "mid": "|", "lvert": "|", "rvert": "|", "vert": "|", "Im": "Im", "Re": "Re",
    "quad": "  ", "qquad": "   ", "iff": "⟺", "implies": "⟹", "circ": "∘", "top": "ᵀ",
    "ell": "ℓ", "nabla": "∇", "setminus": "∖", "cup": "∪", "cap": "∩", "subset": "⊂",
    "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "neg": "¬", "wedge": "∧", "vee": "∨",
    "log": "log", "ln": "ln", "exp": "exp", "sin": "sin", "cos": "cos",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "lim": "lim", "max": "max", "min": "min",
    "sgn": "sgn", "operatorname": "", "mathrm": "", "text": "", "textrm": "", "texttt": "", "mathbf": "",
    "emph": "", "textit": "", "textbf": "", "mathcal": "", "mathbb": "", "boldsymbol": "",
    "left": "", "right": "", "big": "", "Big": "", "bigl": "", "bigr": "", "Bigl": "", "Bigr": "",
    "displaystyle": "", "tfrac": "", "dfrac": "", "frac": "", ",": " ", ";": " ", ":": " ", "!": "",
    " ": " ", "{": "{", "}": "}", "%": "%", "&": "&", "_": "_", "#": "#", "$": "$", "|": "‖",
    "backslash": "\\", "colon": ":", "ast": "*", "star": "⋆", "dagger": "†", "prime": "′",
}
_SUPERSCRIPT = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
_SUBSCRIPT = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUP_CHARS = set("0123456789+-=()n")
_SUB_CHARS = set("0123456789+-=()")


def _read_group(s: str, i: int) -> tuple[str, int]:
    """The argument starting at ``s[i]`` (a brace group, a command or one char) and the next index."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        depth, j = 0, i
        while j < len(s):
            if s[j] == "{":
                depth += 1
            elif s[j] == "}":
                depth -= 1
                if depth == 0:
                    return s[i + 1:j], j + 1
            j += 1
        return s[i + 1:], len(s)
    if s[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", s[i:])
        assert m is not None
        return m.group(0), i + len(m.group(0))
    return s[i], i + 1


def _convert(s: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "$":
            i += 1
            continue
        if ch == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", s[i:])
            assert m is not None
            name = m.group(1)
            i += len(m.group(0))
            if name in ("frac", "tfrac", "dfrac"):
                num, i = _read_group(s, i)
                den, i = _read_group(s, i)
                num, den = _convert(num), _convert(den)
                out.append(f"{_wrap(num)}/{_wrap(den)}")
            elif name == "sqrt":
                index = ""
                if i < len(s) and s[i] == "[":
                    j = s.index("]", i)
                    index, i = s[i + 1:j], j + 1
                arg, i = _read_group(s, i)
                arg = _convert(arg)
                root = {"": "√", "3": "∛", "4": "∜"}.get(index, f"{index}√")
                out.append(root + _wrap(arg))
            elif name in _GREEK:
                out.append(_GREEK[name])
            elif name in _SYMBOLS:
                out.append(_SYMBOLS[name])
                if _SYMBOLS[name] == "" and name.isalpha():
                    while i < len(s) and s[i] == " ":  # \mathbb R: the space only ends the command name
                        i += 1
            else:
                out.append(name)
            continue
        if ch in "^_":
            arg, i = _read_group(s, i + 1)
            arg = _convert(arg)
            table, chars = (_SUPERSCRIPT, _SUP_CHARS) if ch == "^" else (_SUBSCRIPT, _SUB_CHARS)
            if arg and all(a in chars for a in arg):
                out.append(arg.translate(table))
            else:
                out.append(ch + (arg if len(arg) <= 1 or arg.isalnum() else f"({arg})"))
            continue
        if ch in "{}":
            i += 1
            continue
        if ch == "~":
            out.append(" ")
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _wrap(text: str) -> str:
    text = text.strip()
    if re.fullmatch(r"[\w.′]+|\(.*\)", text) and (not text.startswith("(") or _balanced_outer(text)):
        return text
    return f"({text})"


def _balanced_outer(text: str) -> bool:
    depth = 0
    for k, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and k < len(text) - 1:
            return False
    return True


def plain_text(text: str) -> str:
    """Readable Unicode for LaTeX-flavoured prose (inline math between ``$``).

    Handles the subset symdyn prose uses: Greek letters, ``\\sqrt``,
    ``\\frac``, sub- and superscripts, common relations and operators, font
    commands (dropped) and spacing commands.  It is meant for terminals and
    JSON, not for round trips.

    >>> plain_text(r"$T'(\\lambda_*) = -\\frac{1}{\\theta^4 - c}$")
    "T'(λ_*) = -1/(θ⁴ - c)"
    >>> plain_text(r"$\\lambda_\\pm = (1 \\pm \\sqrt{c})^2$")
    'λ_± = (1 ± √c)²'
    """
    out = _convert(text)
    return re.sub(r"[ \t]{2,}", " ", out).strip()


# --------------------------------------------------------------------------- bibliography


@dataclass(frozen=True)
class BibEntry:
    """One BibTeX entry: its type, key and (lower-case) fields, braces removed."""

    kind: str
    key: str
    fields: Mapping[str, str]

    def format(self) -> str:
        """The entry as the LaTeX body of a ``\\bibitem`` (author, title, venue, year)."""
        f = self.fields
        parts = []
        if "author" in f:
            parts.append(_latex_field(f["author"].replace(" and ", ", ")))
        if "title" in f:
            parts.append(r"\emph{" + _latex_field(f["title"]) + "}")
        venue = f.get("journal") or f.get("booktitle") or f.get("howpublished") or f.get("publisher")
        if venue:
            vol = f.get("volume")
            num = f.get("number")
            pages = f.get("pages")
            text = _latex_field(venue)
            if vol:
                text += " " + _latex_field(vol) + (f"({_latex_field(num)})" if num else "")
            if pages:
                text += ", " + _latex_field(pages)
            parts.append(text)
        if f.get("archiveprefix", "").lower() == "arxiv" and f.get("eprint"):
            parts.append(r"arXiv:" + _latex_field(f["eprint"]))
        if f.get("note"):
            parts.append(_latex_field(f["note"]))
        if f.get("year"):
            parts.append(_latex_field(f["year"]))
        return ". ".join(p.rstrip(".") for p in parts) + "."


def _latex_field(value: str) -> str:
    """A BibTeX field value for LaTeX: accents commands are kept, stray specials escaped."""
    value = " ".join(value.split())
    out = []
    i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":  # keep commands such as {\'e} or {\v{c}}
            m = re.match(r"\\([A-Za-z]+|.)", value[i:])
            assert m is not None
            out.append(m.group(0))
            i += len(m.group(0))
            continue
        if ch in "{}":
            out.append(ch)
        elif ch in "&%#_":
            out.append("\\" + ch)
        elif ch in _UNICODE_TO_LATEX:
            out.append(_UNICODE_TO_LATEX[ch])
        elif ord(ch) >= 128:
            out.append("?")
        else:
            out.append(ch)
        i += 1
    text = "".join(out)
    # balance braces so one malformed field cannot break the document
    depth = 0
    kept = []
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                continue
            depth -= 1
        kept.append(ch)
    return "".join(kept) + "}" * depth


def parse_bibtex(text: str) -> tuple[BibEntry, ...]:
    """Parse the simple BibTeX symdyn stores (``field = {value}`` or ``"value"`` or a number).

    >>> e, = parse_bibtex("@article{k1, title = {A {B} c}, year = 2005}")
    >>> e.kind, e.key, e.fields["title"], e.fields["year"]
    ('article', 'k1', 'A {B} c', '2005')
    """
    entries = []
    for m in re.finditer(r"@(\w+)\s*\{\s*([^,\s]+)\s*,", text):
        kind, key = m.group(1).lower(), m.group(2)
        i = m.end()
        fields: dict[str, str] = {}
        while i < len(text):
            fm = re.compile(r"\s*(\w+)\s*=\s*").match(text, i)
            if not fm:
                break
            name = fm.group(1).lower()
            i = fm.end()
            if i < len(text) and text[i] == "{":
                depth, j = 0, i
                while j < len(text):
                    if text[j] == "{":
                        depth += 1
                    elif text[j] == "}":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                value, i = text[i + 1:j], j + 1
            elif i < len(text) and text[i] == '"':
                j = text.index('"', i + 1)
                value, i = text[i + 1:j], j + 1
            else:
                vm = re.compile(r"[^,}\s]+").match(text, i)
                value, i = (vm.group(0), vm.end()) if vm else ("", i)
            fields[name] = value.strip()
            cm = re.compile(r"\s*,").match(text, i)
            if cm:
                i = cm.end()
            else:
                break
        entries.append(BibEntry(kind, key, fields))
    return tuple(entries)


# --------------------------------------------------------------------------- documents


# ----------------------------------------------------------------------------- document atoms


def number(x: Any, digits: int = 15) -> str:
    """A number for a table: ``digits`` significant digits in math mode (``--`` for none or NaN).

    >>> number(mp.mpf("1.5e-7"), 3), number(None)
    ('$1.50 \\\\times 10^{-7}$', '--')
    """
    if x is None:
        return "--"
    if isinstance(x, mp.mpf):
        text = mp_to_decimal(x, digits)
    else:
        xf = float(x)
        if xf != xf:
            return "--"
        text = f"{xf:.{digits}g}"
    if text in ("inf", "-inf"):
        return "$" + text.replace("inf", r"\infty") + "$"
    if "e" in text:
        mant, _, exp = text.partition("e")
        return f"${mant} \\times 10^{{{int(exp)}}}$"
    return f"${text}$"


#: Text-mode commands kept by :func:`prose` (their argument is prose again) and escaped specials kept as they are.
_PROSE_COMMANDS = ("texttt", "emph", "textbf", "textit", "textrm", "textsc")
_PROSE_ESCAPES = ("\\_", "\\%", "\\&", "\\#", "\\{", "\\}")


def prose(text: str) -> str:
    """LaTeX-flavoured prose (inline math between ``$``) for a LaTeX paragraph.

    Math is kept; text outside the math is escaped, except the text commands
    ``\\texttt{...}``, ``\\emph{...}``, ``\\textbf{...}`` (their arguments are prose
    again) and the escaped specials ``\\_``, ``\\%``, ``\\&``, ``\\#``, which stay as
    written (no double escaping).  With an odd number of ``$`` the whole string is
    treated as plain text.  A :class:`Prose` string is typeset from its LaTeX form.

    >>> prose(r"by \\texttt{mpmath.expm}$(tH)$, 50% of $x_1$")
    'by \\\\texttt{mpmath.expm}$(tH)$, 50\\\\% of $x_1$'
    """
    if isinstance(text, Prose):
        return text.latex
    parts = text.split("$")
    if len(parts) % 2 == 0:
        return escape(text)
    return "".join(_prose_text(p) if i % 2 == 0 else "$" + p + "$" for i, p in enumerate(parts))


def _prose_text(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        m = re.match(r"\\(" + "|".join(_PROSE_COMMANDS) + r")\{", text[i:])
        if m:
            arg, j = _read_group(text, i + len(m.group(0)) - 1)
            out.append("\\" + m.group(1) + "{" + _prose_text(arg) + "}")
            i = j
            continue
        if text.startswith(_PROSE_ESCAPES, i):
            out.append(text[i:i + 2])
            i += 2
            continue
        out.append(escape(text[i]))
        i += 1
    return "".join(out)


class Prose(str):
    """Plain text that carries its LaTeX form: one object, two renderings.

    Everywhere a string is expected it is the plain text (terminals, JSON, error
    messages, ``==``); the report typesets :attr:`latex` (LaTeX text with inline math,
    already escaped).  Use it for metadata and notes that hold mathematics
    (``ParamSpec`` meanings, a model's summary, a limit's conditions, caveats).

    >>> p = Prose("noise variance sigma^2/n", r"noise variance $\\sigma^2/n$")
    >>> p == "noise variance sigma^2/n", p.latex, typeset(p), typeset("x_1")
    (True, 'noise variance $\\\\sigma^2/n$', 'noise variance $\\\\sigma^2/n$', 'x\\\\_1')
    >>> Prose.from_latex(r"$\\theta^4 > c$")
    'θ⁴ > c'
    """

    latex: str

    def __new__(cls, text: str, latex: str) -> "Prose":
        obj = super().__new__(cls, text)
        obj.latex = latex
        return obj

    def __reduce__(self):
        return (Prose, (str(self), self.latex))

    @classmethod
    def from_latex(cls, latex: str) -> "Prose":
        """One source: the LaTeX form, with :func:`plain_text` as the text."""
        return cls(plain_text(latex), latex)


def typeset(text: str) -> str:
    """LaTeX for a metadata string: a :class:`Prose`'s LaTeX form, or plain text escaped."""
    return text.latex if isinstance(text, Prose) else escape(text)


_TT_ESCAPES = {"_": r"\char95{}", "^": r"\char94{}", "~": r"\char126{}"}


def code(text: str) -> str:
    """Typewriter text (a command line, a file name) with the characters printed as they are.

    >>> code("symdyn report --out my_dir")
    '\\\\texttt{symdyn report --out my\\\\char95{}dir}'
    """
    return r"\texttt{" + "".join(_TT_ESCAPES.get(ch) or escape(ch) for ch in text) + "}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str, caption: str = "") -> str:
    """A centred table with its caption below it, in one box (a page break never separates them)."""
    lines = [r"\begin{center}", r"\begin{minipage}{\linewidth}", r"\centering", r"\small",
             r"\begin{tabular}{" + align + "}", r"\hline", " & ".join(header) + r" \\", r"\hline"]
    lines += [" & ".join(r) + r" \\" for r in rows]
    lines += [r"\hline", r"\end{tabular}"]
    if caption:
        lines.append(r"\\[2pt] \parbox{0.92\linewidth}{\footnotesize " + caption + "}")
    lines += [r"\end{minipage}", r"\end{center}"]
    return "\n".join(lines)


def figure(name: str, caption: str, width: str = "0.9\\linewidth", label: str = "") -> str:
    """A numbered figure (a float placed here or at the top of a page) with its caption and ``\\label``;
    a tall image is scaled down to fit the page (at most 0.8 of the text height, aspect ratio kept)."""
    return "\n".join([r"\begin{figure}[!htbp]", r"\centering",
                      f"\\includegraphics[width={width},height=0.8\\textheight,keepaspectratio]{{{name}}}",
                      r"\caption{" + caption + "}" + (f"\\label{{{label}}}" if label else ""), r"\end{figure}"])


def power_of_ten(value: Any) -> str | None:
    """``10^{-8}`` for the rational 1/100000000 (and its negative); None for other values.

    >>> power_of_ten(sp.Rational(1, 10**8)), power_of_ten(sp.Rational(1, 3))
    ('10^{-8}', None)
    """
    if isinstance(value, sp.Rational) and abs(value.p) == 1 and value.q >= 10 ** 4:
        k = len(str(value.q)) - 1
        if value.q == 10 ** k:
            return ("-" if value.p < 0 else "") + f"10^{{-{k}}}"
    return None


def inline(expr: Any) -> str:
    """An exact value for a table: rationals as ``p/q``, other expressions in display style."""
    try:
        expr = sp.sympify(expr)
        if expr.is_Rational:
            return "$" + sp.sstr(expr) + "$"
        return r"$\displaystyle " + latex(expr) + "$"
    except Exception:  # an expression the printer refuses (e.g. holding floats): show it as text
        return code(sp.sstr(expr))


def value(x: Any) -> str:
    """A parameter's value for running text: powers of ten as exponents, exact values as :func:`inline`,
    infinity as the symbol, anything else escaped.

    >>> print(value(sp.Rational(1, 10**8)), value(sp.Rational(6, 5)), value("inf"), value("F1"), sep=" | ")
    $10^{-8}$ | $6/5$ | $\\infty$ | F1
    """
    if power_of_ten(x) is not None:
        return "$" + power_of_ten(x) + "$"
    if isinstance(x, sp.Basic):
        return inline(x)
    return r"$\infty$" if str(x) in ("inf", "oo") else escape(str(x))


def parameter_symbol(spec: Any, name: str) -> str:
    """A parameter as mathematics (the symbol its :class:`~symdyn.params.ParamSpec` declares), else its
    name in words.

    >>> parameter_symbol(None, "loss_scale")
    'loss scale'
    """
    return f"${spec.latex}$" if spec is not None and spec.latex else escape(name.replace("_", " "))


def without_time(symbol: str) -> str:
    """An observable's symbol without its time argument (``m_u(t)`` -> ``m_u``), for a table with a time column.

    >>> print(without_time("m_u(t)"), without_time(r"\\lambda_i"), sep=" | ")
    m_u | \\lambda_i
    """
    return symbol[:-3] if symbol.endswith("(t)") else symbol


#: the lower-case Greek letters a value's key may name (``zeta_u``), from the table above
_KEY_GREEK = frozenset(g for g in _GREEK if g.islower() and not g.startswith("var"))
_KEY_SUBSCRIPTS = {"plus": "+", "minus": "-", "star": "*"}


def _symbol_head(word: str) -> tuple[str, str] | None:
    """A word that is a symbol: ``theta`` -> (``\\theta``, ""), ``T0`` -> (``T``, ``0``), ``s1`` -> (``s``, ``1``)."""
    base = word.rstrip("0123456789")
    digits = word[len(base):]
    if base in _KEY_GREEK:
        return "\\" + base, digits
    if len(base) == 1 and base.isalpha():
        return base, digits
    return None


def name_symbol(key: str) -> str:
    """A value's key as LaTeX: a symbol in math (``zeta_u`` -> ``$\\zeta_{u}$``, ``s1`` -> ``$s_{1}$``,
    ``lambda_star`` -> ``$\\lambda_{*}$``, ``T0_upper`` -> ``$T_{0,\\mathrm{upper}}$``), else words whose symbol
    words are math (``stability_margin`` -> ``stability margin``, ``spec_T0`` -> ``spec $T_{0}$``).

    >>> print(name_symbol("zeta_u"), name_symbol("T0_upper"), name_symbol("stability_margin"), sep=" | ")
    $\\zeta_{u}$ | $T_{0,\\mathrm{upper}}$ | stability margin
    """
    words = key.split("_")
    head = _symbol_head(words[0])
    if head is None:
        out = []
        for w in words:
            h = _symbol_head(w)
            out.append(escape(w) if h is None or len(w) == 1 and w in "aI" else
                       "$" + h[0] + (f"_{{{h[1]}}}" if h[1] else "") + "$")
        return " ".join(out)
    symbol, digits = head
    subs, text = [digits] if digits else [], []
    for w in words[1:]:
        if w in _KEY_SUBSCRIPTS or len(w) == 1 or w.isdigit() or w in _KEY_GREEK:
            subs.append(_KEY_SUBSCRIPTS.get(w, "\\" + w if w in _KEY_GREEK else w))
        else:
            text.append(w)
    if text:
        subs.append(r"\mathrm{" + r"\ ".join(text) + "}")
    return "$" + symbol + ("_{" + ",".join(subs) + "}" if subs else "") + "$"


@dataclass(frozen=True)
class Section:
    """A section of a document: a title and a body, both LaTeX.

    The title may hold inline math (``"Decay like $t^{-3/4}$"``); pass plain
    text through :func:`escape` first.  ``subsections`` are rendered after the
    body one level deeper.
    """

    title: str
    body: str = ""
    subsections: tuple["Section", ...] = field(default_factory=tuple)
    label: str = ""


def _section_tex(sec: Section, level: int) -> str:
    command = ("section", "subsection", "subsubsection", "paragraph")[min(level, 3)]
    lines = [f"\\{command}{{{sec.title}}}"]
    if sec.label:
        lines[-1] += f"\\label{{{sec.label}}}"
    if sec.body:
        lines.append(sec.body.strip())
    for sub in sec.subsections:
        lines.append(_section_tex(sub, level + 1))
    return "\n".join(lines) + "\n"


def document(
    title: str,
    sections: Sequence[Section],
    *,
    author: str = "",
    date: str = "",
    abstract: str = "",
    bibliography: str | Iterable[BibEntry] | None = None,
    preamble: Sequence[str] = (),
) -> str:
    """A complete LaTeX document that compiles with ``pdflatex``.

    Parameters
    ----------
    title, author, date : str
        Plain text (escaped).  An empty date prints no date.
    sections : sequence of Section
        Titles and bodies are LaTeX (use :func:`escape` for plain text inside them).
    abstract : str
        LaTeX text of the abstract (optional).
    bibliography : str or iterable of BibEntry, optional
        BibTeX text (e.g. ``model.cite()``) or parsed entries; rendered as a
        ``thebibliography`` list so ``\\cite{key}`` works without bibtex.
    preamble : sequence of str
        Extra preamble lines (e.g. ``\\newcommand`` definitions).

    Returns
    -------
    str
        The document source.

    Examples
    --------
    >>> bib = "@misc{k, title = {T}, author = {A. Author}, year = {2021}}"
    >>> tex = document("T", [Section("S", r"See \\cite{k}.")], bibliography=bib)
    >>> "\\\\bibitem{k}" in tex
    True
    """
    lines = [
        r"\documentclass[11pt]{article}",
        *[r"\usepackage" + ("[margin=2.5cm]" if p == "geometry" else "") + f"{{{p}}}"
          for p in PREAMBLE_PACKAGES if p != "hyperref"],
        r"\usepackage[hidelinks]{hyperref}",
        r"\numberwithin{equation}{section}",
        r"\setlength{\parindent}{0pt}",
        r"\setlength{\parskip}{0.5\baselineskip}",
        r"\allowdisplaybreaks",
        *preamble,
        f"\\title{{{escape(title)}}}",
        f"\\author{{{escape(author)}}}",
        f"\\date{{{escape(date)}}}",
        r"\begin{document}",
        r"\maketitle",
    ]
    if abstract:
        lines += [r"\begin{abstract}", abstract.strip(), r"\end{abstract}"]
    for sec in sections:
        lines.append(_section_tex(sec, 0))
    if bibliography is not None:
        entries = parse_bibtex(bibliography) if isinstance(bibliography, str) else tuple(bibliography)
        if entries:
            lines.append(r"\begin{thebibliography}{" + "9" * len(str(len(entries))) + "}")
            for e in entries:
                lines.append(f"\\bibitem{{{e.key}}} {e.format()}")
            lines.append(r"\end{thebibliography}")
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def compile_pdf(tex: str, workdir: str | Path | None = None, *, runs: int = 2, timeout: float = 120) -> Path:
    """Compile *tex* with pdflatex and return the PDF path.

    Runs ``pdflatex -interaction=nonstopmode -halt-on-error`` *runs* times (two
    resolve references) in *workdir* (a new temporary directory if omitted).

    Raises
    ------
    FileNotFoundError
        If pdflatex is not installed.
    LatexError
        If pdflatex fails; the message holds the error lines of the log.
    """
    exe = shutil.which("pdflatex")
    if exe is None:
        raise FileNotFoundError("pdflatex is not installed (Debian: apt-get install texlive-latex-base)")
    work = Path(workdir) if workdir is not None else Path(tempfile.mkdtemp(prefix="symdyn-tex-"))
    work.mkdir(parents=True, exist_ok=True)
    src = work / "document.tex"
    src.write_text(tex, encoding="utf-8")
    for _ in range(runs):
        proc = subprocess.run(
            [exe, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", src.name],
            cwd=work, capture_output=True, text=True, timeout=timeout,
        )
        if proc.returncode != 0:
            log = proc.stdout.splitlines()
            errors = [ln for k, ln in enumerate(log) if ln.startswith("!") or (k and log[k - 1].startswith("!"))]
            raise LatexError("pdflatex failed: " + " | ".join(errors[:6] or log[-6:]))
    pdf = work / "document.pdf"
    if not pdf.exists():  # pragma: no cover - pdflatex returned 0 without output
        raise LatexError("pdflatex produced no PDF")
    return pdf
