#!/usr/bin/env python
"""The rank-one denoising derivation, built with the library and verified step by step.

Usage::

    python derivations/rank_one_denoising.py [--dps 50] [--seed 0] [--latex FILE [--pdf]] [--json] [--step KEY ...]

Prints one row per step (status, method, time, evidence) and exits with status
0 if every step verifies, 1 otherwise (2 for bad arguments).  ``--latex FILE``
writes a complete LaTeX document with the verification results; ``--json``
prints the steps and their verifications as JSON instead of the table.

The steps live in ``symdyn/models/rank_one_denoising/derivation.py`` (so that
the installed ``symdyn derive rank-one-denoising`` shows the same derivation);
this script is the runnable worked example.
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
    return run_script("rank-one-denoising", argv, prog="rank_one_denoising.py", description=__doc__.split("\n\n")[0])


if __name__ == "__main__":
    sys.exit(main())
