#!/usr/bin/env python
"""Incremental learning in matrix sensing (Jin, Li, Lyu, Du, Lee 2023), built with the library and verified step by step.

Usage::

    python derivations/matrix_sensing.py [--dps 50] [--seed 0] [--latex FILE [--pdf]] [--json] [--step KEY ...]

The steps live in ``symdyn/models/matrix_sensing/derivation.py``: the gradient of the loss and the
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

from symdyn.derive import run_script


def main(argv: list[str] | None = None) -> int:
    return run_script("matrix-sensing", argv, prog="matrix_sensing.py", description=__doc__.split("\n\n")[0])


if __name__ == "__main__":
    sys.exit(main())
