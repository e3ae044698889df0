"""The SymPy symbols shared by laws, models and derivations.

Assumptions are stated once here: ``c``, ``theta``, ``t``, ``kappa``, ``eta`` are
positive; overlaps ``alpha``, ``beta`` are real; ``z`` is complex.
"""

from __future__ import annotations

import sympy as sp

__all__ = [
    "c", "theta", "alpha", "beta", "kappa", "t", "eta", "k", "lam", "z", "s", "phi", "tau", "x",
]

c = sp.Symbol("c", positive=True)
theta = sp.Symbol("theta", positive=True)
alpha = sp.Symbol("alpha", real=True)
beta = sp.Symbol("beta", real=True)
kappa = sp.Symbol("kappa", positive=True)
t = sp.Symbol("t", positive=True)
eta = sp.Symbol("eta", positive=True)
k = sp.Symbol("k", integer=True, nonnegative=True)
lam = sp.Symbol("lambda", positive=True)
z = sp.Symbol("z")
s = sp.Symbol("s", positive=True)
phi = sp.Symbol("phi", positive=True)
tau = sp.Symbol("tau", positive=True)
x = sp.Symbol("x", real=True)
