r"""The LaTeX parser of ``symdyn verify``: every construct against a hand-built SymPy tree, refusals with
positions, size limits, and hostile input."""

from __future__ import annotations

import time

import pytest
import sympy as sp

import symdyn as sd
from symdyn.verify import ClaimError, MAX_DEPTH, MAX_LENGTH, parse, parse_claim
from symdyn.verify import latex_name

th, c, al, ka, t, r0, nu = sp.symbols("theta c alpha kappa t r0 nu")
SYMBOLS = {r"\theta": th, "c": c, r"\alpha": al, r"\kappa": ka, "t": t, "r_{0}": r0, r"\nu": nu}
half = sp.Rational(1, 2)


def P(text: str) -> sp.Expr:
    return parse(text, SYMBOLS)


# --------------------------------------------------------------------------- constructs

CONSTRUCTS = [
    # numbers: exact integers and decimals
    ("2", sp.Integer(2)),
    ("0.5", half),
    (".25", sp.Rational(1, 4)),
    ("3.14159", sp.Rational(314159, 100000)),
    # powers and roots
    ("c^{1/4}", c ** sp.Rational(1, 4)),
    ("c^2", c**2),
    (r"c^\frac14", c ** sp.Rational(1, 4)),
    (r"\theta^{-2}", th**-2),
    (r"\sqrt{c}", sp.sqrt(c)),
    (r"\sqrt c", sp.sqrt(c)),
    (r"\sqrt2", sp.sqrt(2)),
    (r"\sqrt[3]{c}", sp.root(c, 3)),
    (r"\sqrt[4]{2}", 2 ** sp.Rational(1, 4)),
    # fractions
    (r"\frac{1}{\theta}", 1 / th),
    (r"\dfrac{c}{2}", c / 2),
    (r"\tfrac{1}{2}", half),
    (r"\frac12", half),
    (r"\frac1\theta", 1 / th),
    ("c/2", c / 2),
    ("2c/3", sp.Rational(2, 3) * c),
    # products: implicit, \cdot, \times, brackets
    ("2c", 2 * c),
    (r"\theta^2(\theta^2+c)", th**2 * (th**2 + c)),
    (r"\theta\left(1+\frac{c}{\theta^{2}}\right)", th * (1 + c / th**2)),
    (r"c \cdot \theta", c * th),
    (r"c\times\theta", c * th),
    (r"2 \cdot 3", sp.Integer(6)),
    (r"c \cdot -\theta", -c * th),
    ("[c+1](c-1)", (c + 1) * (c - 1)),
    ("{c+1}^2", (c + 1) ** 2),
    (r"\bigl(c+1\bigr)^2", (c + 1) ** 2),
    (r"\sqrt{2}\,\pi", sp.sqrt(2) * sp.pi),
    # signs
    (r"-\theta^2", -(th**2)),
    (r"-\kappa\sqrt{\frac{\theta^2+c}{\theta^2+1}}", -ka * sp.sqrt((th**2 + c) / (th**2 + 1))),
    ("+c - 1", c - 1),
    ("c - -1", None),  # refused below: two signs in a row
    # constants
    ("e", sp.E),
    ("e^{-2t}", sp.exp(-2 * t)),
    ("e^t", sp.exp(t)),
    (r"\mathrm{e}^{t}", sp.exp(t)),
    (r"\pi", sp.pi),
    # functions
    (r"\exp(c)", sp.exp(c)),
    (r"\exp\left(-\frac{t}{2}\right)", sp.exp(-t / 2)),
    (r"\log(c)", sp.log(c)),
    (r"\ln c", sp.log(c)),
    (r"\log{\left(2 \right)}", sp.log(2)),
    (r"\cosh(t)", sp.cosh(t)),
    (r"\sinh t", sp.sinh(t)),
    (r"\tanh(2t)", sp.tanh(2 * t)),
    (r"\cos\theta", sp.cos(th)),
    (r"\sin\theta\cos\theta", sp.sin(th) * sp.cos(th)),
    (r"\sin \theta^2", sp.sin(th**2)),
    (r"\cosh^{2}{\left(t \right)}", sp.cosh(t) ** 2),
    (r"\cosh^2(t) - \sinh^2(t)", sp.cosh(t) ** 2 - sp.sinh(t) ** 2),
    (r"\operatorname{sgn}(\alpha)", sp.sign(al)),
    (r"\operatorname{sign}{\left(\alpha \right)}", sp.sign(al)),
    (r"\mathrm{sgn}(\alpha)\sqrt{1 - \theta^{-2}}", sp.sign(al) * sp.sqrt(1 - th**-2)),
    # Bessel functions: the order as subscript
    (r"\frac{I_1(2t)}{t}", sp.besseli(1, 2 * t) / t),
    (r"\frac{I_{1}\left(4 t\right)}{2 t}", sp.besseli(1, 4 * t) / (2 * t)),
    (r"J_0(t)", sp.besselj(0, t)),
    (r"I_\nu(t)", sp.besseli(nu, t)),
    (r"I_{\nu+1}(t)", sp.besseli(nu + 1, t)),
    # inverse functions (papers: \arctan, \operatorname{artanh}; SymPy: \operatorname{atanh})
    (r"\arctan(c)", sp.atan(c)),
    (r"\arcsin{\left(\frac{c}{2} \right)}", sp.asin(c / 2)),
    (r"\operatorname{atan}{\left(\frac{\sqrt{3} \left(2 c + 1\right)}{3} \right)}", sp.atan(sp.sqrt(3) * (2 * c + 1) / 3)),
    (r"\operatorname{artanh}(c^2)", sp.atanh(c**2)),
    (r"\operatorname{arctanh}(c)", sp.atanh(c)),
    (r"\frac{\operatorname{atanh}{\left(c^{2} \right)}}{2} - \frac{1}{2 c^{2}}", sp.atanh(c**2) / 2 - 1 / (2 * c**2)),
    (r"\mathrm{arsinh}(c)", sp.asinh(c)),
    # hypergeometric functions {}_pF_q(a_1, ..., a_p; b_1, ..., b_q; x), as papers write them
    (r"{}_2F_1(1, 2; 3; c)", sp.hyper((1, 2), (3,), c)),
    (r"\,_2F_1(1,\theta;1+\theta;c)", sp.hyper((1, th), (1 + th,), c)),
    (r"{}_{2}F_{1}\left(\frac{2}{3}, 1; \frac{5}{3}; \frac{1}{2}\right)",
     sp.hyper((sp.Rational(2, 3), 1), (sp.Rational(5, 3),), half)),
    (r"{}_2F_1\!\left(1, \tfrac{2}{\theta}; 1 + \tfrac2\theta; c\right)", sp.hyper((1, 2 / th), (1 + 2 / th,), c)),
    (r"{}_2\mathrm{F}_1\bigl(1,2;3;c\bigr)", sp.hyper((1, 2), (3,), c)),
    (r"\frac{c^{2/3}}{2}{}_2F_1(1,\tfrac23;\tfrac53;c)", c ** sp.Rational(2, 3) / 2 * sp.hyper((1, sp.Rational(2, 3)), (sp.Rational(5, 3),), c)),
    (r"c\,{}_2F_1(1,2;3;c)", c * sp.hyper((1, 2), (3,), c)),
    (r"2\,_2F_1(1,2;3;c)", 2 * sp.hyper((1, 2), (3,), c)),
    (r"{{}_{2}F_{1}\left(1, 2; 3; c\right)}^{2}", sp.hyper((1, 2), (3,), c) ** 2),
    (r"{}_1F_1(1; 2; c)", sp.hyper((1,), (2,), c)),
    (r"{}_0F_1(; 2; c)", sp.hyper((), (2,), c)),
    (r"{}_3F_2(1, 1, 1; 2, 2; c)", sp.hyper((1, 1, 1), (2, 2), c)),
    # the Lerch transcendent
    (r"\Phi(c, 1, \tfrac{2}{3} - 1)", sp.lerchphi(c, 1, -sp.Rational(1, 3))),
    (r"\frac{1}{3} c^{a}\Phi\left(c, 1, a\right)", None),  # refused below: unknown symbol a
    # names with subscripts
    ("r_0", r0),
    ("r_{0}^2", r0**2),
    ("c^2_0", None),  # refused: a subscript must follow the name
    # white space and delimiters
    (r"  c \; + \! 1 \quad ", c + 1),
]


@pytest.mark.parametrize("text, expected", [x for x in CONSTRUCTS if x[1] is not None])
def test_parser_builds_the_hand_written_sympy_tree(text, expected):
    assert P(text) == expected


@pytest.mark.parametrize("text, position, words", [
    (r"\input{/etc/passwd}", 1, "unknown command \\input"),
    (r"\def\x{1}\x", 1, "unknown command \\def"),
    (r"c + \newcommand{\a}{1}", 5, "unknown command"),
    ("__import__('os')", None, "cannot be read"),
    ("c*2", 2, "\\cdot"),
    (r"\frac{1}{c", 9, "never closed"),
    ("c}", 2, "closes nothing"),
    (r"\left(c\right]", 8, "does not match"),
    ("(c", 1, "never closed"),
    ("", None, "empty"),
    ("c - -1", 5, "two signs"),
    ("c^2_0", 4, "subscript must follow"),
    ("c^23", 3, "^{23}"),
    ("c 2", 3, "the number 2 follows a factor"),
    ("1/2c", 4, "ambiguous"),
    ("a/b/c", None, "unknown symbol a"),
    ("c/2/3", 4, "ambiguous"),
    (r"\log 2c", 7, "ambiguous"),
    (r"\sin^{-1}(c)", 5, "ambiguous"),
    ("1e-3", 1, "scientific notation"),
    ("theta", 1, "write \\theta"),
    ("sqrt(c)", 1, "write \\sqrt"),
    ("i", 1, "imaginary unit"),
    ("I", 1, "imaginary unit"),
    ("I_1", 1, "needs its argument"),
    (r"\gamma", 1, "unknown symbol \\gamma"),
    ("c^^2", 2, "superscript needs an argument"),
    ("c^2^3", 4, "double superscript"),
    ("c = 1", 3, "right-hand side"),
    (r"\frac{1}{0}", 1, "division by zero"),
    ("0^{-1}", 2, "not positive"),
    ("2^{2^{2^{2^{2^{2}}}}}", None, "exceeds the limit"),
    ("(10^{100})^{1000}", None, "digits, beyond the limit"),
    ("c^{1001}", 2, "exceeds the limit"),
    (r"\sqrt[c]{2}", None, "whole number"),
    ("1" * 201, 1, "longer than the limit"),
    ("2.", 1, "decimal point"),
    (r"\{c\}", 1, "literal braces"),
    (r"\left.c\right.", 1, "must be followed by"),
    ("|c|", 1, "absolute values"),
    (r"\operatorname{foo}(c)", 1, "atanh"),
    ("c, 1", 2, "separate arguments only in"),
    ("(c; 1)", 3, "separate arguments only in"),
    (r"\sqrt{c, 1}", 8, "separate arguments only in"),
    (r"{}_2F_1(1, 2, 3; c)", 8, "two ';'"),
    (r"{}_2F_1(1; 3; c)", 8, "2 upper and 1 lower parameters, found 1 and 1"),
    (r"{}_2F_1(1, 2; 3, 4; c)", 8, "found 2 and 2"),
    (r"{}_2F_1(1, 2; 3; c; 1)", 8, "found 3 ';'"),
    (r"{}_2F_1(1, 2; 0; c)", 8, "pole"),
    (r"{}_2F_1(1, 2; -3; c)", 8, "pole"),
    (r"{}_3F_1(1, 2, 3; 4; c)", 1, "diverges"),
    (r"{}_5F_5(1,1,1,1,1;2,2,2,2,2;c)", 1, "up to 4"),
    (r"{}_2F_1(1, 2; 3;)", 17, "empty argument"),
    (r"{}_2F_1(1,, 2; 3; c)", 10, "missing after ','"),
    (r"{}_2F_1 c", 9, "in parentheses"),
    (r"{}_2G_1(1, 2; 3; c)", 1, "empty group"),
    (r"{}_c", 3, "whole numbers p and q"),
    (r"{}_pF_q(1; 2; c)", 3, "whole numbers p and q"),
    (r"{{}_{2}F_{1}\left(\begin{matrix} 1, 2 \\ 3 \end{matrix}\middle| {c} \right)}", 56, "write {}_2F_1(a, b; c; x)"),
    (r"\Phi(c)", 5, "three arguments"),
    (r"\Phi(c, 1, 2, 3)", 5, "three arguments"),
])
def test_parser_refuses_what_it_does_not_understand_with_the_position(text, position, words):
    with pytest.raises(ClaimError) as info:
        P(text)
    message = str(info.value)
    assert words in message and "\n" not in message
    if position is not None:
        assert info.value.position == position and f"position {position}:" in message


def test_unknown_symbol_names_the_allowed_ones():
    m = sd.model("rank-one-denoising")
    with pytest.raises(ClaimError) as info:
        parse_claim(m, r"\gamma + c")
    message = str(info.value)
    for name in ("c", r"\theta", r"\varepsilon", r"\alpha", r"\beta", r"\kappa", "r_0"):
        assert name in message
    # the time is a symbol only for a time target
    with pytest.raises(ClaimError, match="unknown symbol t"):
        parse_claim(m, "c t")
    assert parse_claim(m, "c t", time_name="t").expr == sp.Symbol("c") * sp.Symbol("t")


def test_parameter_names_come_from_the_declared_latex():
    assert latex_name("r_0") == latex_name("r_{0}") == latex_name("r_{ 0 }") == "r_{0}"
    assert latex_name(r"\alpha/\beta") is None  # not a single name: not a symbol
    m = sd.model("rank-one-denoising")
    claim = parse_claim(m, r"\varepsilon + r_{0} + \ell + \eta")
    assert claim.parameters == ("epsilon", "eta", "r0", "level")
    assert {s.name for s in claim.expr.free_symbols} == {"epsilon", "eta", "r0", "level"}


@pytest.mark.parametrize("text", [
    r"\theta^{-1}\sqrt{\frac{(\theta^4-c)(\theta^2+1)}{\theta^2+c}}",
    r"-\frac{2^{3/4}}{2} + e^{-2t}\cosh^2(t) + I_1(4t)",
    r"\frac{\sqrt[4]{2}\alpha}{\sqrt[4]{\pi}(1-\theta)\sqrt{\alpha^2+(1-\alpha^2)(1-\theta)^2}}",
    r"\operatorname{sgn}(\alpha)\log(1+c) - \tanh(r_0)",
    r"\frac{c^{2/3}}{2}{}_2F_1\left(1, \tfrac{2}{3}; \tfrac{5}{3}; \frac{c}{1+c}\right) - \frac{1}{\theta}",
    r"{}_3F_2(1, 1, \theta; 2, 2; c)^2 + \Phi(c, 1, \alpha) + \arctan(c) - \operatorname{artanh}(\frac{c}{2})",
])
def test_the_echoed_latex_parses_back_to_the_same_expression(text):
    m = sd.model("rank-one-denoising")
    claim = parse_claim(m, text, time_name="t")
    again = parse_claim(m, claim.latex, time_name="t")
    assert again.expr == claim.expr
    assert "**" not in claim.text


def test_echo_text_uses_carets_never_double_stars():
    m = sd.model("rank-one-denoising")
    assert parse_claim(m, r"-\frac{2^{3/4}}{2}").text == "-2^(3/4)/2"
    assert parse_claim(m, r"\theta^2(\theta^2+c)").text == "theta^2*(c + theta^2)"


def test_dollar_delimiters_are_stripped():
    m = sd.model("spiked-wigner")
    for text in (r"$\theta+1$", r"$$\theta+1$$", r"\(\theta+1\)", r"\[\theta+1\]"):
        assert parse_claim(m, text).expr == sp.Symbol("theta") + 1


def test_nesting_up_to_the_limit_parses_and_beyond_it_is_refused_before_recursing():
    depth_ok = MAX_DEPTH - 1
    assert P("(" * depth_ok + "c" + ")" * depth_ok) == c
    with pytest.raises(ClaimError, match="deeper than the limit"):
        P("(" * (MAX_DEPTH + 1) + "c" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(ClaimError, match="deeper than the limit"):
        P(r"\sqrt{" * (MAX_DEPTH + 1) + "c" + "}" * (MAX_DEPTH + 1))
    with pytest.raises(ClaimError, match="deeper than the limit"):  # nesting without brackets
        P(r"\sin" * (MAX_DEPTH + 1) + "c")


@pytest.mark.parametrize("text", [
    "{" * 10_000 + "c" + "}" * 10_000,
    "{" * 1_900 + "c" + "}" * 1_900,  # within the length limit: refused by the depth check
    "(" * 1_999 + "c",
    "c+" * 500_000 + "c",  # 10^6 characters
    "x" * 10**6,
    r"\frac" * 800,
    "-" * 3_999 + "c",
    r"\sqrt" * 799 + "2",
    "{}_2F_1(1, 1; 2; " * 200 + "c" + ")" * 200,
    "(c" + ", c" * 1_300 + ")",
    ",;" * 500_000,
])
def test_hostile_claims_are_refused_quickly_without_recursion_errors(text):
    start = time.perf_counter()
    with pytest.raises(ClaimError):
        P(text)
    assert time.perf_counter() - start < 1.0  # generous: measured in milliseconds


def test_length_limit_is_exact():
    assert P("1" + "+1" * ((MAX_LENGTH - 1) // 2)) == 1 + (MAX_LENGTH - 1) // 2
    with pytest.raises(ClaimError, match="longer than the limit"):
        P("1" + "+1" * (MAX_LENGTH // 2))


def test_no_eval_or_sympify_reaches_user_text(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("user text reached sympify/eval")

    monkeypatch.setattr(sp, "sympify", forbidden)
    monkeypatch.setattr(sp, "parse_expr", forbidden, raising=False)
    monkeypatch.setattr("builtins.eval", forbidden)
    assert P(r"\frac{I_1(2t)}{t} + c^{1/4}") == sp.besseli(1, 2 * t) / t + c ** sp.Rational(1, 4)
