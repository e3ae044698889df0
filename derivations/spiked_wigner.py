#!/usr/bin/env python
"""The spiked Wigner derivation (Bodin & Macris), built with the library and verified step by step.

Usage::

    python derivations/spiked_wigner.py [--dps 50] [--seed 0] [--latex FILE [--pdf]] [--json] [--step KEY ...]

Prints one row per step (status, method, time, evidence) and exits with status
0 if every step verifies, 1 otherwise (2 for bad arguments).  ``--latex FILE``
writes a complete LaTeX document with the verification results (``--pdf`` also
compiles it next to FILE); ``--json`` prints the steps and their verifications as
JSON instead of the table.

The steps live in ``symdyn/models/spiked_wigner/derivation.py`` (so that the
installed ``symdyn derive spiked-wigner`` shows the same derivation): the
semicircle law and its Bessel MGF ``I_1(2 tau)/tau`` (series, ODE, quadrature),
the spiked resolvent and the measure ``nu_x`` with its outlier residue at
explicit numeric ``theta``, the pole subtraction of the evaluator, the dynamics,
the large-time limits per regime, and the reduction of the rectangular model
through the Hermitization ``H = [[0, X], [X^T, 0]]``.  This script is the
runnable worked example.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

try:
    import symdyn
except ImportError:  # running from a source checkout without installing
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir))
    import symdyn

from symdyn.derive import format_table
from symdyn.errors import SymdynError
from symdyn.models.base import check_dps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dps", default="50", help="decimal digits of the numeric checks (default 50)")
    parser.add_argument("--seed", type=int, default=0, help="root seed of the random exact parameter points")
    parser.add_argument("--latex", metavar="FILE", help="write the derivation as a LaTeX document")
    parser.add_argument("--pdf", action="store_true", help="also compile the LaTeX document (needs pdflatex)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--step", action="append", default=None, metavar="KEY", help="verify only this step")
    args = parser.parse_args(argv)
    if args.pdf and not args.latex:
        print("spiked_wigner.py: error: --pdf needs --latex FILE", file=sys.stderr)
        return 2
    try:
        dps = check_dps(args.dps)
        model = symdyn.model("spiked-wigner")
        derivation = model.derivation()
        result = derivation.verify(dps=dps, seed=args.seed, keys=args.step)
    except (SymdynError, KeyError) as exc:
        print(f"spiked_wigner.py: error: {exc}", file=sys.stderr)
        return 2
    if args.latex:
        tex = result.to_latex()
        with open(args.latex, "w", encoding="utf-8") as fh:
            fh.write(tex)
        if args.pdf:
            from symdyn.latex import compile_pdf

            built = compile_pdf(tex)  # in a fresh temporary directory
            shutil.copyfile(built, os.path.splitext(args.latex)[0] + ".pdf")
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print(derivation.title)
        print()
        print(format_table(result, width=160))
        if args.latex:
            print(f"LaTeX written to {args.latex}" + (" (and compiled to PDF)" if args.pdf else ""))
    if not result.passed:
        print("not verified: " + ", ".join(result.failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
