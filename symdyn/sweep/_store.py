"""Sweep files written as points finish, read back by ``--resume`` and ``symdyn plot``.

* ``.csv`` and ``.jsonl``: one line per point, appended and flushed when the point finishes;
  an interrupted run leaves every finished point (a cut last line is dropped on reading).
* ``.json``: the whole record, rewritten atomically (temporary file + rename) at most once a
  second (less often when a rewrite takes more than 0.1 s) and at the end, so the file is always
  valid JSON.

When a sweep completes, the file is rewritten in grid order, so a resumed sweep leaves the
same file as an uninterrupted one.  Points are keyed by their exact axis values; a file
whose command differs (model, target, fixed parameters, dps, ``--certify``, ``--solve``,
axis names) is refused, and so is one holding points outside the grid.
"""

from __future__ import annotations

import json
import os
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Sequence

from ..errors import ParameterError
from ..outputs import check_output_file
from ..params import parse_number
from ._point import SweepPoint
from ._result import (FORMAT_VERSION, csv_header, csv_row, csv_text, dumps_record, point_from_csv, unescape_command,
                      value_names)
from ._spec import SweepSpec, parse_command

__all__ = ["Store", "store_for", "check_out_path", "read_file", "SUFFIXES"]

SUFFIXES = (".csv", ".json", ".jsonl")


def check_out_path(path: str | os.PathLike, option: str = "--out") -> Path:
    """A writable sweep file name with a known suffix (``ParameterError`` otherwise)."""
    p = Path(path)
    if p.suffix.lower() not in SUFFIXES:
        raise ParameterError(f"{option} {p}: a sweep is written as .csv, .json or .jsonl")
    return check_output_file(p, option)


def _key(spec: SweepSpec, point: SweepPoint) -> tuple:
    return tuple(parse_number(point.params[a]) for a in spec.axis_names)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _complete_lines(text: str) -> list[str]:
    """The lines of *text* that were written completely (a cut last line is dropped)."""
    lines = text.split("\n")
    return [ln for ln in lines[:-1] if ln.strip()]


def _lookup(name: str):
    from ..models import model

    return model(name)


def read_file(path: str | os.PathLike) -> tuple[SweepSpec, list[SweepPoint]]:
    """The spec (from the recorded command) and the points of a sweep file, in file order."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise ParameterError(f"{p}: a sweep file is .csv, .json or .jsonl")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ParameterError(f"{p} is not a symdyn sweep file: it is not UTF-8 text") from None
    except OSError as exc:
        raise ParameterError(f"cannot read {p}: {exc.strerror or exc}") from None
    try:
        if suffix == ".json":
            data = json.loads(text)
            spec = parse_command(_command_of(data, p), _lookup)
            return spec, [SweepPoint.from_json(d) for d in data.get("points", [])]
        lines = _complete_lines(text)
        if not lines:
            raise ParameterError(f"{p} holds no sweep (it is empty)")
        if suffix == ".jsonl":
            spec = parse_command(_command_of(json.loads(lines[0]), p), _lookup)
            points = []
            for ln in lines[1:]:
                try:
                    points.append(SweepPoint.from_json(json.loads(ln)))
                except (ValueError, KeyError):
                    continue
            return spec, points
        header = lines[0].split(",")
        if "command" not in header or "status" not in header:
            raise ParameterError(f"{p} is not a symdyn sweep file (no command/status columns)")
        rows = [ln.split(",") for ln in lines[1:]]
        rows = [r for r in rows if len(r) == len(header)]
        if not rows:
            raise ParameterError(f"{p} holds no finished point (only a header)")
        spec = parse_command(unescape_command(rows[0][header.index("command")]), _lookup)
        return spec, [point_from_csv(spec, header, r) for r in rows]
    except RecursionError:
        raise ParameterError(f"{p} is not a readable symdyn sweep file: its JSON is nested too deeply") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ParameterError(f"{p} is not a readable symdyn sweep file ({type(exc).__name__}: {exc})") from None


def _command_of(data, path: Path) -> str:
    if not isinstance(data, dict) or data.get("symdyn_sweep") != FORMAT_VERSION or "command" not in data:
        raise ParameterError(f"{path} is not a symdyn sweep file (format {FORMAT_VERSION})")
    return str(data["command"])


class Store(ABC):
    """An output file receiving the points of one sweep."""

    def __init__(self, path: Path, spec: SweepSpec) -> None:
        self.path = path
        self.spec = spec
        self.points: list[SweepPoint] = []

    def existing(self) -> dict[tuple, SweepPoint]:
        """The finished points of an existing file of the same sweep (``--resume``)."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return {}
        try:
            spec, points = read_file(self.path)
        except ParameterError as exc:
            if "holds no" in str(exc):
                return {}
            raise
        if spec.identity() != self.spec.identity():
            raise ParameterError(f"--resume: {self.path} holds a different sweep ({spec.command}); this one is "
                                 f"{self.spec.command}: use another --out or drop --resume")
        keys = set(self.spec.keys())
        out: dict[tuple, SweepPoint] = {}
        for p in points:
            k = _key(self.spec, p)
            if k not in keys:
                where = ", ".join(f"{a}={p.params[a]}" for a in self.spec.axis_names)
                raise ParameterError(f"--resume: {self.path} holds a point outside this grid ({where}): "
                                     "use another --out, or a grid that contains the file's points")
            out[k] = p
        return out

    def begin(self, points: Sequence[SweepPoint]) -> None:
        """Start the file with *points* (already finished ones)."""
        self.points = list(points)
        self._rewrite()

    @abstractmethod
    def add(self, point: SweepPoint) -> None: ...

    def finish(self, points: Sequence[SweepPoint]) -> None:
        """The complete sweep, in grid order."""
        self.close()
        self.points = list(points)
        self._rewrite()

    @abstractmethod
    def _rewrite(self) -> None: ...

    def close(self) -> None:
        pass


class _LineStore(Store):
    """A file of lines appended as points finish (CSV, JSON lines)."""

    _fh = None

    def _render(self) -> str: ...

    def _rewrite(self) -> None:
        self.close()
        _atomic_write(self.path, self._render())
        self._fh = open(self.path, "a", encoding="utf-8")

    def _append(self, line: str) -> None:
        self._fh.write(line + "\n")
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class CsvStore(_LineStore):
    def _render(self) -> str:
        self.names = value_names(self.points)
        if not self.points:
            return ",".join(csv_header(self.spec, self.names)) + "\n"
        return csv_text(self.spec, self.points)

    def add(self, point: SweepPoint) -> None:
        self.points.append(point)
        if any(k not in self.names for k in point.values):
            self._rewrite()  # a new value column: the header changes
            return
        self._append(",".join(csv_row(self.spec, self.names, point)))


class JsonlStore(_LineStore):
    def _render(self) -> str:
        head = {"symdyn_sweep": FORMAT_VERSION, "command": self.spec.command, **self.spec.to_json()}
        lines = [json.dumps(head, ensure_ascii=False)] + [json.dumps(p.to_json(), ensure_ascii=False)
                                                           for p in self.points]
        return "\n".join(lines) + "\n"

    def add(self, point: SweepPoint) -> None:
        self.points.append(point)
        self._append(json.dumps(point.to_json(), ensure_ascii=False))


class JsonStore(Store):
    """The whole record, rewritten at most once a second (and at most 10% of the time on big files)."""

    interval = 1.0
    _last = 0.0
    _cost = 0.0

    def _rewrite(self) -> None:
        t0 = time.monotonic()
        _atomic_write(self.path, dumps_record(self.spec, self.points))
        self._last = time.monotonic()
        self._cost = self._last - t0

    def add(self, point: SweepPoint) -> None:
        self.points.append(point)
        if time.monotonic() - self._last >= max(self.interval, 10 * self._cost):
            self._rewrite()


def store_for(path: str | os.PathLike, spec: SweepSpec) -> Store:
    p = check_out_path(path)
    return {".csv": CsvStore, ".json": JsonStore, ".jsonl": JsonlStore}[p.suffix.lower()](p, spec)
