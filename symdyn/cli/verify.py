r"""``symdyn verify``: check a formula from a paper (LaTeX) against symdyn."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Any, Iterator

import click

from ..errors import ParameterError
from ..params import check_dps
from .common import JSON_OPTION, emit_json, load_model, parse_assignments, whole_number

HELP = r"""Check the formula CLAIM (LaTeX) against symdyn's TARGET of MODEL.

TARGET is a boundary quantity (threshold, critical-ratio, outlier, ...; QUANTITY:KEY picks one value of a
multi-valued quantity, e.g. overlaps:zeta_v), limit:OBS (the large-time limit of an observable), or an
observable OBS as a function of the time t (k, the step count, with eta=...). Run `symdyn models` for
the quantities and observables.

NAME=VALUE fixes a parameter, NAME=LO:HI draws it uniformly (exact rationals from --seed); a parameter
the target needs or the claim uses that is neither is drawn from its domain ((0, 3) for a positive
one). A list (sigma) is drawn as a list ordered as its domain requires, as long as the model's example
list (sigma=LO:HI draws its entries from (LO, HI)); the index of an indexed quantity (k) from 1..its
size; a needed parameter that cannot be drawn is taken from the model's example (a note says so).
Draws where symdyn does not define the target (e.g. a critical ratio below threshold) are skipped
and counted. Times are drawn from (0, 10) (k from 1..50) unless t=LO:HI or --t T1,... is given.

At each point the claim and symdyn are evaluated to --dps digits; the verdict is `agree` if every point
agrees to at least dps - 5 digits, else `counterexample` with the first point that does not. Where
symdyn has an exact closed form the claim is also compared exactly, point by point: `equal` (SymPy
proves the difference zero: it cancels, its minimal polynomial is x, simplify or equals, confirmed by an
arb or strict-evalf evaluation), `different` (proved nonzero), or `undecided` (within a 10 s budget).

\b
The LaTeX subset (anything else is refused with its position):
  numbers     2, 0.5 (exact: 1/2); no 1e-3 (write 10^{-3})
  symbols     the model's parameters by their LaTeX names (`symdyn models --json`: c, \theta, \alpha,
              \kappa, \varepsilon, r_0 ...); t (or k) for a time target; e = Euler's number, \pi;
              i and I alone are refused (no imaginary unit)
  operators   + - (also unary), \cdot, \times, a/b (not a/bc: write \frac), implicit products
              such as 2c, \theta^2(\theta^2+c), \sqrt{2}\,\pi
  powers      x^2, x^{-1/2}, c^\frac14, e^{...}; ^23 is refused (TeX reads ^{2}3)
  fractions   \frac{a}{b}, \dfrac, \tfrac, \frac12
  roots       \sqrt{x}, \sqrt[n]{x} (principal root x^{1/n})
  brackets    ( ) [ ] { }, \left( \right), \bigl( \bigr) ...; spacing \, \; \! \quad ignored
  functions   \exp, \log = \ln (natural), \cosh, \sinh, \tanh, \cos, \sin, \tan, \operatorname{sgn};
              inverses \arctan, \arcsin, \arccos, \operatorname{atan}, \operatorname{atanh} (also
              artanh, arctanh), asinh, acosh ...; \cosh^{2}(x) = \cosh(x)^2 (\tan^{-1} is refused);
              \sin\theta without parentheses only before another function or an operator (\log 2c
              is refused as ambiguous)
  Bessel      I_\nu(x) (modified, besseli) and J_\nu(x) (besselj), the order as a subscript
  2F1, pFq    {}_2F_1(a, b; c; x), \,_2F_1(a,b;c;x), {}_{2}F_{1}\left(a, b; c; x\right) (as symdyn
              prints it); any {}_pF_q(a_1, ..., a_p; b_1, ..., b_q; x) with p <= q + 1 <= 5 and no
              lower parameter 0, -1, -2, ...
  Lerch       \Phi(z, s, a), the Lerch transcendent (sum of z^n/(n+a)^s)
  limits      4000 characters, nesting depth 40, exponents up to 1000, numbers up to 200 digits
The claim may be wrapped in $...$. The entries of a list-valued parameter (sigma=3,2,1) are
\sigma_1, \sigma_k, \sigma_{k+1} (counted from 1; the index a whole number or the parameters).

\b
Exit status: 0 agree; 1 counterexample (or the claim is proved different); 2 bad input (an unparsable
claim, an unknown symbol, a range outside the domain), with one line on stderr before any work.

\b
Examples:
  symdyn verify rank-one-denoising threshold 'c^{1/4}'
  symdyn verify rank-one-denoising critical-ratio '-\kappa\sqrt{\frac{\theta^2+c}{\theta^2+1}}' c=1/4:2
  symdyn verify spiked-wigner outlier '\theta+\frac{1}{\theta}' theta=1:4 --json
  symdyn verify spiked-wigner Q '\frac{I_1(4t)}{2t}' theta=3/2 alpha=0 --t 1,2,5
  symdyn verify matrix-sensing plateau-loss 's\,\sigma_3^2' r=2 k=2
  symdyn verify deep-factorization time-to-reach \
    '\frac{1}{2s}\log\frac{\theta(s-\lambda_0)}{\lambda_0(1-\theta)}' N=2 s=1:2 level=1/2:9/10 lambda0=1/1000:1/10
"""
HELP = HELP.replace("\\b\n", "\b\n")  # click's no-rewrap marker is the backspace character


class DelayedProgress:
    """Progress on stderr, shown only once a task has run for more than a second.

    On a terminal one line is rewritten in place; otherwise (a pipe, a log file) a
    line is printed at most once a second, so logs show that work is going on.
    """

    def __init__(self, delay: float = 1.0) -> None:
        self.delay = delay
        self.tty = sys.stderr.isatty()

    @contextmanager
    def task(self, description: str, total: float | None = None) -> Iterator[Any]:
        start = time.monotonic()
        state = {"done": 0, "last": 0.0, "shown": False}
        outer = self

        def show(final: bool = False) -> None:
            now = time.monotonic()
            elapsed = now - start
            if elapsed < outer.delay or (not final and not outer.tty and now - state["last"] < 1.0):
                return
            count = f"{state['done']}/{int(total)}" if total else f"{state['done']}"
            line = f"{description}: {count} points ({elapsed:.1f} s)"
            if outer.tty:
                click.echo("\r" + line, err=True, nl=final)
            elif not final:
                click.echo(line, err=True)
            state["last"], state["shown"] = now, True

        class _Task:
            def advance(self, amount: float = 1) -> None:
                state["done"] += amount
                show()

        try:
            yield _Task()
        finally:
            if state["shown"] and outer.tty:
                show(final=True)


@click.command("verify", help=HELP, 
               context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("model_name", metavar="MODEL")
@click.argument("target", metavar="TARGET")
@click.argument("words", nargs=-1, metavar="CLAIM [NAME=VALUE | NAME=LO:HI ...]")
@click.option("--points", default="20", show_default=True, help="Number of points K.")
@click.option("--seed", default="0", show_default=True, help="Seed of the random points.")
@click.option("--dps", default="50", show_default=True, help="Digits of the comparison (15..1000).")
@click.option("--t", "times", metavar="T1,T2,...", help="Times of a time target (used in turn by the points).")
@click.option("--claim-file", type=click.Path(dir_okay=False), help="Read CLAIM from this file.")
@JSON_OPTION
@click.pass_context
def verify_cmd(ctx, model_name, target, words, points, seed, dps, times, claim_file, as_json):
    from ..verify import read_claim_file, verify
    from ..verify._run import prepare

    words = list(words)
    unknown = [w for w in words if w.startswith("--")]
    if unknown:
        raise ParameterError(f"unknown option {unknown[0]} (see 'symdyn verify --help')")
    if claim_file is not None:
        claim = read_claim_file(claim_file)
    elif words:
        claim = words.pop(0)
    else:
        raise ParameterError("missing CLAIM: give the formula (LaTeX, in quotes) or --claim-file FILE")
    dps = check_dps(dps)
    k = whole_number(points, "--points", 1)
    s = whole_number(seed, "--seed", 0)
    params = parse_assignments(words)
    if "t" in params:  # t=LO:HI or t=VALUE: the times, like --t
        if times is not None:
            raise ParameterError("give the times once: either t=... or --t")
        times = params.pop("t")
    model = load_model(model_name)
    _, _, _, parsed = prepare(model, target, claim, t=times, **params)  # every input error before any work
    result = verify(model, target, parsed, points=k, seed=s, dps=dps, t=times, progress=DelayedProgress(),
                    **params)
    if as_json:
        emit_json(result.to_json())
    else:
        click.echo(str(result))
    if not result.agrees or result.symbolic == "different":
        ctx.exit(1)
