"""Self-verifying derivations: ordered steps, each with LaTeX and a check that can fail.

A :class:`Derivation` is an ordered list of :class:`Step` objects.  A step
carries a key, a title, a one-sentence statement, one or more numbered
equations (LaTeX) and a :class:`Verification` *strategy*.  Strategies are small
classes with one interface (``verify(dps=..., seed=...)``); the abstract base
:class:`Verification` holds the interface, the concrete strategies are final:

================  =================================================================
:class:`Symbolic` a residual simplifies to zero, optionally after a substitution
                  (e.g. a parametrisation of a regime) and modulo quadratic
                  relations such as ``R**2 = (z - lambda_-)(z - lambda_+)``
:class:`Numeric`  a residual (SymPy expression, or a function of an exact point)
                  is below a stated tolerance at seeded random exact rational
                  points, at a given precision
:class:`Agree`    two independent routes (closed form vs quadrature, limit vs
                  contour integral) agree at seeded random exact points
:class:`AllOf`    every one of several strategies passes
================  =================================================================

Verifying returns a :class:`VerificationResult` (status, method, description,
evidence, residual, tolerance, points used, precision, time) and never raises
for a failing or crashing check: failures are data (status ``failed`` or
``error``), so a derivation reports every step.  Random points come from a
:class:`Points` sampler with a ``random.Random`` seeded by ``(seed, step key)``,
so runs are reproducible and steps independent.

Prose (statements, descriptions) is LaTeX text with inline math between
``$...$``; :func:`symdyn.tex.plain_text` renders it for terminals.

Examples
--------
>>> import sympy as sp
>>> x, y = sp.symbols("x y", positive=True)
>>> Symbolic(sp.cosh(x)**2 - sp.sinh(x)**2 - 1).verify().status
<Status.PASSED: 'passed'>
>>> Symbolic(sp.cosh(x)**2 + sp.sinh(x)**2 - 1).verify().status   # wrong sign
<Status.FAILED: 'failed'>
>>> R = sp.Symbol("R")
>>> Symbolic((1 + R) * (1 - R) - (1 - y), modulo={R: y}).verify().passed
True
>>> pts = Points({x: (1, 3)}, count=3)
>>> res = Numeric(sp.sqrt(x)**2 - x, pts).verify(dps=30, seed=1)
>>> res.passed, len(res.points), res.dps
(True, 3, 30)
>>> step = Step("pyth", "Pythagoras", "$\\\\cosh^2 - \\\\sinh^2 = 1$.", ("\\\\cosh^2 x - \\\\sinh^2 x = 1",),
...             Symbolic(sp.cosh(x)**2 - sp.sinh(x)**2 - 1))
>>> d = Derivation("demo", "Demo", (step,))
>>> d.verify(dps=20).passed
True
"""

from ._derivation import Derivation, DerivationResult, Step, StepResult, format_table
from ._points import Points
from ._verify import (
    Agree,
    AllOf,
    Numeric,
    PointResult,
    Status,
    Symbolic,
    Verification,
    VerificationResult,
    factor_radicands,
    guarded_dps,
    reduce_modulo,
)

__all__ = [
    "Status",
    "PointResult",
    "VerificationResult",
    "Verification",
    "Symbolic",
    "Numeric",
    "Agree",
    "AllOf",
    "Points",
    "Step",
    "Derivation",
    "StepResult",
    "DerivationResult",
    "format_table",
    "factor_radicands",
    "reduce_modulo",
    "guarded_dps",
]
