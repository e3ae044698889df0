#!/usr/bin/env python
"""The rank-one denoising derivation, built with the library and verified step by step.

Usage::

    python derivations/rank_one_denoising.py [--dps 50] [--seed 0] [--latex FILE] [--json] [--step KEY ...]

Prints one row per step (status, method, time, evidence) and exits with status
0 if every step verifies, 1 otherwise (2 for bad arguments).  ``--latex FILE``
writes a complete LaTeX document with the verification results; ``--json``
prints the steps and their verifications as JSON instead of the table.

The steps live in ``symdyn/models/rank_one_denoising/derivation.py`` (so that
the installed ``symdyn derive rank-one-denoising`` shows the same derivation);
this script is the runnable worked example.
"""

from __future__ import annotations

import argparse
import json
import os
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
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--step", action="append", default=None, metavar="KEY", help="verify only this step")
    args = parser.parse_args(argv)
    try:
        dps = check_dps(args.dps)
        model = symdyn.model("rank-one-denoising")
        derivation = model.derivation()
        result = derivation.verify(dps=dps, seed=args.seed, keys=args.step)
    except (SymdynError, KeyError) as exc:
        print(f"rank_one_denoising.py: error: {exc}", file=sys.stderr)
        return 2
    if args.latex:
        with open(args.latex, "w", encoding="utf-8") as fh:
            fh.write(result.to_latex())
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print(derivation.title)
        print()
        print(format_table(result, width=160))
        if args.latex:
            print(f"LaTeX written to {args.latex}")
    if not result.passed:
        print("not verified: " + ", ".join(result.failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
