"""The result of a verification: per point the claim's value, symdyn's value and the agreeing digits.

``verdict`` is ``"agree"`` when every point agrees to at least ``dps - 5`` digits,
else ``"counterexample"`` with the first point that does not.  ``symbolic`` is
``"equal"``, ``"different"`` or ``"undecided"`` when the target has an exact closed
form at every point (see :mod:`symdyn.verify._symbolic`), ``None`` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import mpmath as mp

from ..exact import mp_to_decimal
from ._claim import Claim

__all__ = ["VerifyPoint", "VerifyResult", "AGREE", "COUNTEREXAMPLE", "MARGIN"]

AGREE, COUNTEREXAMPLE = "agree", "counterexample"
#: A point agrees when its digits reach ``dps - MARGIN``.
MARGIN = 5


def _decimal(x: mp.mpf | mp.mpc | None, dps: int) -> str | None:
    if x is None:
        return None
    if isinstance(x, mp.mpc):
        im = x.imag
        sign = "-" if im < 0 else "+"
        return f"{mp_to_decimal(x.real, dps)}{sign}{mp_to_decimal(abs(im), dps)}i"
    return mp_to_decimal(x, dps)


@dataclass(frozen=True)
class VerifyPoint:
    """One point: exact parameter values (and time), both values, the agreeing digits.

    ``claim`` is ``None`` where the claim has no finite value (``note`` says why);
    ``symbolic`` is the exact comparison there (``None`` without a closed form).
    """

    params: Mapping[str, str]
    claim: mp.mpf | mp.mpc | None
    value: mp.mpf
    digits: int
    regime: str | None = None
    symbolic: str | None = None
    symbolic_method: str = ""
    note: str = ""

    def to_json(self, dps: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "params": dict(self.params),
            "claim": _decimal(self.claim, dps),
            "value": _decimal(self.value, dps),
            "digits": self.digits,
        }
        if self.regime is not None:
            out["regime"] = self.regime
        if self.symbolic is not None:
            out["symbolic"] = self.symbolic
        if self.note:
            out["note"] = self.note
        return out

    def where(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.params.items()) or "the given parameters"


@dataclass(frozen=True)
class VerifyResult:
    """Everything a verification found (see the module docstring).

    Attributes
    ----------
    model, target : str
    claim : Claim
        The parsed claim (``latex`` and ``text`` echo it back).
    dps, seed : int
    points : tuple of VerifyPoint
    verdict : str
        ``"agree"`` or ``"counterexample"``.
    counterexample : VerifyPoint or None
        The first point agreeing to fewer than ``dps - 5`` digits.
    symbolic : str or None
        ``"equal"``, ``"different"``, ``"undecided"``, or ``None`` without a closed form.
    symbolic_evidence : str
        How the symbolic verdict was reached (one line).
    drawn : tuple of str
        The parameters drawn at random (``defaulted``: those drawn from their domain).
    skipped : int
        Draws where symdyn does not define the target (e.g. below a threshold), with ``skip_reason``.
    notes : tuple of str
    seconds : float
    """

    model: str
    target: str
    claim: Claim
    dps: int
    seed: int
    points: tuple[VerifyPoint, ...]
    verdict: str
    counterexample: VerifyPoint | None
    symbolic: str | None
    symbolic_evidence: str
    drawn: tuple[str, ...] = ()
    defaulted: tuple[str, ...] = ()
    skipped: int = 0
    skip_reason: str = ""
    notes: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def required_digits(self) -> int:
        return self.dps - MARGIN

    @property
    def agrees(self) -> bool:
        return self.verdict == AGREE

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "symbolic": self.symbolic,
            "claim": self.claim.to_json(),
            "points": [p.to_json(self.dps) for p in self.points],
            "counterexample": None if self.counterexample is None else self.counterexample.to_json(self.dps),
            "model": self.model,
            "target": self.target,
            "dps": self.dps,
            "seed": self.seed,
            "required_digits": self.required_digits,
            "symbolic_evidence": self.symbolic_evidence,
            "drawn": list(self.drawn),
            "skipped": self.skipped,
            "notes": list(self.notes),
        }

    def _table(self) -> list[str]:
        names = list(dict.fromkeys(k for p in self.points for k in p.params))
        regimes = any(p.regime is not None for p in self.points)
        header = ["#"] + names + (["regime"] if regimes else []) + ["claim", "symdyn", "digits"]
        rows = []
        for i, p in enumerate(self.points, 1):
            claim = _decimal(p.claim, self.dps) if p.claim is not None else f"undefined ({p.note})"
            rows.append([str(i)] + [p.params.get(n, "") for n in names] + ([p.regime or ""] if regimes else [])
                        + [claim, _decimal(p.value, self.dps), str(p.digits)])
        widths = [max(len(h), *(len(r[j]) for r in rows)) for j, h in enumerate(header)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
        lines += ["  ".join(x.ljust(w) for x, w in zip(r, widths)).rstrip() for r in rows]
        return lines

    def __str__(self) -> str:
        n = len(self.points)
        drawn = f"; drawn: {', '.join(self.drawn)}" if self.drawn else ""
        lines = [
            f"claim  {self.claim.latex}",
            f"       {self.claim.text}",
            f"target {self.target} of {self.model}: {n} point{'s' if n != 1 else ''} at {self.dps} digits, "
            f"seed {self.seed}{drawn}",
        ]
        lines += self._table()
        if self.skipped:
            lines.append(f"skipped {self.skipped} draw{'s' if self.skipped != 1 else ''} where symdyn does not "
                         f"define the target ({self.skip_reason})")
        lines.extend(f"note: {x}" for x in self.notes)
        if self.counterexample is None:
            lines.append(f"verdict: agree (all {n} points to at least {self.required_digits} digits)")
        else:
            p = self.counterexample
            i = self.points.index(p) + 1
            claim = _decimal(p.claim, self.dps) if p.claim is not None else f"undefined ({p.note})"
            where = p.where() + (f"; {p.regime}" if p.regime else "")
            lines.append(f"verdict: counterexample at point {i} ({where}): claim {claim}, "
                         f"symdyn {_decimal(p.value, self.dps)}, {p.digits} digits agree "
                         f"({self.required_digits} needed)")
        if self.symbolic is None:
            lines.append(f"symbolic: none ({self.symbolic_evidence})")
        else:
            lines.append(f"symbolic: {self.symbolic} ({self.symbolic_evidence})")
        return "\n".join(lines)
