#!/usr/bin/env python
"""The spiked Wigner derivation (Bodin & Macris), built with the library and verified step by step.

Usage::

    python derivations/spiked_wigner.py [--dps 30] [--seed 0] [--latex FILE [--pdf]] [--json] [--step KEY ...]

The same as ``symdyn derive spiked-wigner`` with the same options: prints one
row per step (status, method, time, evidence) and exits with status 0 if every
step verifies, 1 otherwise (2 for bad arguments).  ``--latex FILE`` writes a
complete LaTeX document with the verification results (``--pdf`` also compiles
it next to FILE); ``--json`` prints the steps and their verifications as JSON
instead of the table.

The steps live in ``symdyn.models.spiked_wigner.derivation`` (so
that the installed ``symdyn derive spiked-wigner`` shows the same derivation):
the semicircle law and its Bessel MGF ``I_1(2 tau)/tau`` (series, ODE,
quadrature), the spiked resolvent and the measure ``nu_x`` with its outlier
residue at explicit numeric ``theta``, the pole subtraction of the evaluator,
the dynamics, the large-time limits per regime, and the reduction of the
rectangular model through the Hermitization ``H = [[0, X], [X^T, 0]]``.  This
script is the runnable worked example.
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
    """Run ``symdyn derive spiked-wigner ARGS`` and return its exit status."""
    try:
        symdyn_main(["derive", "spiked-wigner", *(sys.argv[1:] if argv is None else argv)])
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
