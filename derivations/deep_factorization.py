#!/usr/bin/env python
"""The deep-factorization derivation (Chou & Wang; Chou, Gieshoff, Maly, Rauhut; Arora et al.), verified step by step.

Usage::

    python derivations/deep_factorization.py [--dps 50] [--seed 0] [--latex FILE [--pdf]] [--json] [--step KEY ...]

The same as ``symdyn derive deep-factorization`` with the same options: prints
one row per step (status, method, time, evidence) and exits with status 0 if
every step verifies, 1 otherwise (2 for bad arguments).  ``--latex FILE``
writes a complete LaTeX document with the verification results (``--pdf`` also
compiles it next to FILE); ``--json`` prints the steps and their verifications as
JSON instead of the table.

The steps live in ``symdyn/models/deep_factorization/derivation/`` (one module per section): the exact
decoupling (the layers stay equal polynomials in ``W^ = W* + E``), the scalar ODE
``lambda' = N lambda^(2-2/N)(s - lambda)``, ``F_N`` in 2F1 form and the real-branch
elementary forms for ``N = 2, 3, 4`` (verified by differentiation), the Lerch form,
three routes at high precision, the asymptotics, the modified equation and the
exact step counts, the step-size condition, the interval ``[T0, T1]`` and the
spectral condition, Weyl / Davis-Kahan, the second-order eigenvalue shift, the
shift of ``T0``, the Weyl sandwich, the noise-fitting time, the early-stopping
bound and the limit ``(W^)_+``.
"""

from __future__ import annotations

import os
import sys

try:
    import symdyn  # noqa: F401
except ImportError:  # running from a source checkout without installing
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))

from symdyn.cli import main as symdyn_main


def main(argv: list[str] | None = None) -> int:
    """Run ``symdyn derive deep-factorization ARGS`` and return its exit status."""
    try:
        symdyn_main(["derive", "deep-factorization", *(sys.argv[1:] if argv is None else argv)])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
