#!/usr/bin/env python
"""Incremental learning in matrix sensing (Jin, Li, Lyu, Du, Lee 2023), built with the library and verified step by step.

Usage::

    python derivations/matrix_sensing.py [--dps 50] [--seed 0] [--latex FILE [--pdf]] [--json] [--step KEY ...]

The same as ``symdyn derive matrix-sensing`` with the same options: one row per step (status,
method, time, evidence), exit status 0 if every step verifies, 1 otherwise (2 for bad arguments).
The steps live in ``symdyn/models/matrix_sensing/derivation/`` (one module per section): the gradient of the loss and the
loss scale as a time unit, the Riccati closed form and its scaled pencil, the logistic law, the
init constants, the learning time as alpha -> 0 with its error order, the discrete step counts and
the modified equation, the critical points, and the greedy race under sensing.
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
    """Run ``symdyn derive matrix-sensing ARGS`` and return its exit status."""
    try:
        symdyn_main(["derive", "matrix-sensing", *(sys.argv[1:] if argv is None else argv)])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
