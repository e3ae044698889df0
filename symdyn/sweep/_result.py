"""The result of a sweep and its file formats (CSV, JSON, JSON lines).

CSV columns: every axis as a decimal column ``NAME`` and its exact value ``NAME_exact``; the
value columns as decimals (``nan`` where a point has none), with ``NAME_lower``/``NAME_upper``
when certified; ``regime``, ``status`` (``ok``/``failed``), ``message``, and ``command`` (the
sweep's canonical command, commas written ``%2C``).  No cell holds a comma, a quote or a
``#``, so ``numpy.genfromtxt(F, delimiter=",", names=True, dtype=None, encoding="utf-8")``
and ``pandas.read_csv(F)`` read the numeric columns as floats.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from ..exact import mp_to_decimal
from ..params import parse_number
from ._axes import _decimal_forms
from ._point import SweepPoint
from ._spec import SweepSpec

__all__ = ["SweepResult", "csv_header", "csv_row", "value_names", "record", "FORMAT_VERSION"]

FORMAT_VERSION = 1
_FIXED_COLUMNS = ("regime", "status", "message", "command")


def decimal_text(text: str, dps: int) -> str:
    """A decimal for an exact axis text: the exact decimal when it terminates, else ``dps`` digits."""
    r = parse_number(text)
    forms = _decimal_forms(r)
    if forms:
        return min(forms, key=len)
    import mpmath as mp

    with mp.workdps(dps + 10):
        return mp_to_decimal(mp.mpf(int(r.p)) / int(r.q), dps)


def clean_cell(text: str) -> str:
    """A CSV cell without delimiter, quote, comment sign or line break."""
    return (" ".join(str(text).split()).replace(",", ";").replace('"', "'").replace("#", ""))


def escape_command(command: str) -> str:
    return command.replace("%", "%25").replace(",", "%2C")


def unescape_command(cell: str) -> str:
    return cell.replace("%2C", ",").replace("%25", "%")


def value_names(points: Iterable[SweepPoint]) -> list[str]:
    """Value names in order of first appearance."""
    out: dict[str, None] = {}
    for p in points:
        for k in p.values:
            out.setdefault(k, None)
    return list(out)


def csv_header(spec: SweepSpec, names: Sequence[str]) -> list[str]:
    cols: list[str] = []
    for a in spec.axes:
        cols += [a.name, f"{a.name}_exact"]
    for v in names:
        cols.append(v)
        if spec.certify:
            cols += [f"{v}_lower", f"{v}_upper"]
    return cols + list(_FIXED_COLUMNS)


def csv_row(spec: SweepSpec, names: Sequence[str], p: SweepPoint) -> list[str]:
    row: list[str] = []
    for a in spec.axes:
        exact = p.params[a.name]
        row += [decimal_text(exact, spec.dps), exact]
    for v in names:
        row.append(p.values.get(v, "nan"))
        if spec.certify:
            enc = (p.enclosures or {}).get(v)
            row += [enc["lower"], enc["upper"]] if enc else ["nan", "nan"]
    row += [clean_cell(p.regime or ""), p.status, clean_cell(p.message), escape_command(spec.command)]
    return row


def csv_text(spec: SweepSpec, points: Sequence[SweepPoint]) -> str:
    names = value_names(points)
    lines = [",".join(csv_header(spec, names))]
    lines += [",".join(csv_row(spec, names, p)) for p in points]
    return "\n".join(lines) + "\n"


def point_from_csv(spec: SweepSpec, header: Sequence[str], cells: Sequence[str]) -> SweepPoint:
    row = dict(zip(header, cells))
    axes = {a.name for a in spec.axes}
    params = dict(spec.fixed)
    params.update({a.name: row[f"{a.name}_exact"] for a in spec.axes})
    skip = set(_FIXED_COLUMNS) | axes | {f"{a}_exact" for a in axes}
    names = [h for h in header if h not in skip and not (spec.certify and (h.endswith("_lower") or h.endswith("_upper"))
                                                          and h.rsplit("_", 1)[0] in header)]
    values = {v: row[v] for v in names if row[v] != "nan"}
    enclosures = None
    if spec.certify:
        enclosures = {v: {"lower": row[f"{v}_lower"], "upper": row[f"{v}_upper"]} for v in values}
    return SweepPoint(params=params, status=row["status"], values=values, regime=row["regime"] or None,
                      message=row["message"], enclosures=enclosures)


def record(spec: SweepSpec, points: Sequence[SweepPoint]) -> dict[str, Any]:
    """The deterministic content of a sweep file (JSON)."""
    return {
        "symdyn_sweep": FORMAT_VERSION,
        "command": spec.command,
        **spec.to_json(),
        "failed": sum(not p.ok for p in points),
        "points": [p.to_json() for p in points],
    }


@dataclass(frozen=True)
class SweepResult:
    """A finished (or loaded) sweep: its spec, the points in grid order and how the run went.

    ``computed``, ``reused`` (taken from an existing file by ``--resume``) and ``failed``
    count points; ``backend`` and ``seconds`` describe the run.
    """

    spec: SweepSpec
    points: tuple[SweepPoint, ...]
    computed: int = 0
    reused: int = 0
    backend: str = ""
    seconds: float = 0.0
    out: str | None = None

    # ------------------------------------------------------------ views of the spec
    @property
    def model(self) -> str:
        return self.spec.model_name

    @property
    def target(self) -> str:
        return self.spec.target.text

    @property
    def dps(self) -> int:
        return self.spec.dps

    @property
    def axes(self) -> dict[str, list[str]]:
        return {a.name: list(a.texts) for a in self.spec.axes}

    @property
    def fixed(self) -> dict[str, str]:
        return dict(self.spec.fixed)

    @property
    def failed(self) -> int:
        return sum(not p.ok for p in self.points)

    @property
    def value_names(self) -> list[str]:
        return value_names(self.points)

    @property
    def method(self) -> str:
        s = self.spec.solve
        if s is None:
            return "the target evaluated at every point" + (" with certified enclosures" if self.spec.certify else "")
        text = (f"{s.name} in [{s.word.split('=', 1)[1].replace(':', ', ')}] where {self.target} = "
                f"{s.to_json()['equals']}: Brent's bracketing method (inverse quadratic interpolation, secant, "
                "bisection) with 15 guard digits")
        if self.spec.certify:
            text += (f"; enclosure proved by opposite signs of certified evaluations of {self.target} - value at "
                     f"its ends (the target assumed continuous in {s.name})")
        return text

    # ------------------------------------------------------------ renderings
    def to_json(self) -> dict[str, Any]:
        out = record(self.spec, self.points)
        out.update({"method": self.method, "computed": self.computed, "reused": self.reused,
                    "backend": self.backend, "seconds": self.seconds, "out": self.out})
        return out

    def to_csv(self) -> str:
        return csv_text(self.spec, self.points)

    def to_pandas(self):
        """A :class:`pandas.DataFrame`: the CSV columns, with ``NAME_exact`` holding exact
        :class:`sympy.Rational` values and ``VALUE_decimal`` the full-precision decimal strings
        (object columns); numeric columns are floats.  Needs pandas (``pip install 'symdyn[pandas]'``).
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(f"SweepResult.to_pandas needs pandas: pip install 'symdyn[pandas]' ({exc})") from None
        frame = pd.read_csv(io.StringIO(self.to_csv()), dtype={f"{a.name}_exact": object for a in self.spec.axes},
                            keep_default_na=False, na_values=["nan"])
        for a in self.spec.axes:
            frame[f"{a.name}_exact"] = [parse_number(t) for t in frame[f"{a.name}_exact"]]
        for v in self.value_names:
            frame[f"{v}_decimal"] = pd.Series([p.values.get(v) for p in self.points], dtype=object)
        return frame

    def summary(self) -> str:
        where = f": wrote {self.out}" if self.out else ""
        return (f"{len(self.points)} points ({self.computed} computed, {self.reused} reused, {self.failed} failed) "
                f"in {self.seconds:.2f} s on {self.backend}{where}")


def dumps_record(spec: SweepSpec, points: Sequence[SweepPoint]) -> str:
    return json.dumps(record(spec, points), indent=1, ensure_ascii=False) + "\n"
