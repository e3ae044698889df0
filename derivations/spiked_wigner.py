#!/usr/bin/env python
"""Executable derivation: gradient-descent dynamics of the spiked Wigner model (Bodin & Macris).

Builds the derivation of :mod:`symdyn.models.spiked_wigner.derivation`, verifies
every step (symbolically, at seeded random exact points at the requested
precision, or by two independent routes), prints the verification table and,
on request, writes the LaTeX document (and compiles it) or the JSON record.

    python derivations/spiked_wigner.py                      # verify at 50 digits, print the table
    python derivations/spiked_wigner.py --dps 100 --latex spiked_wigner.tex
    python derivations/spiked_wigner.py --keys sc-mgf,nu-outlier --json

Exit status 0 iff every verified step passed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dps", type=int, default=50, help="working precision of numeric checks (default 50)")
    parser.add_argument("--seed", default="0", help="seed of the random exact points (default 0)")
    parser.add_argument("--keys", default=None, help="comma-separated step keys to verify (default: all)")
    parser.add_argument("--latex", metavar="FILE", default=None, help="write the LaTeX document to FILE")
    parser.add_argument("--pdf", action="store_true", help="also compile the LaTeX document with pdflatex")
    parser.add_argument("--json", action="store_true", help="print the verification record as JSON")
    args = parser.parse_args(argv)

    from symdyn.derive import format_table
    from symdyn.models.spiked_wigner.derivation import derivation

    d = derivation()
    keys = None if args.keys is None else [k.strip() for k in args.keys.split(",") if k.strip()]
    try:
        result = d.verify(dps=args.dps, seed=args.seed, keys=keys)
    except KeyError as exc:
        print(f"spiked_wigner.py: error: {exc.args[0]}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print(d.title)
        print()
        print(format_table(result))
    if args.latex:
        path = Path(args.latex)
        path.write_text(result.to_latex(), encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
        if args.pdf:
            import shutil

            from symdyn.latex import compile_pdf

            built = compile_pdf(path.read_text(encoding="utf-8"))  # in a fresh temporary directory
            pdf = path.with_suffix(".pdf")
            shutil.copyfile(built, pdf)
            print(f"wrote {pdf}", file=sys.stderr)
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
