"""Output paths, checked before any work: a file or directory symdyn will write must be writable.

A check is a real attempt, not a permission bit (``os.access`` says yes to root for ``/proc``): a
new file is probed by creating and removing a temporary file in its directory, an existing file by
opening it for appending.  Nothing is left behind, in particular no directory is created.

>>> import tempfile, os
>>> d = tempfile.mkdtemp()
>>> check_output_file(os.path.join(d, "fit.png"), "--plot", (".png", ".pdf")).name
'fit.png'
>>> check_output_file("/nonexistent/d/x.csv", "--out")
Traceback (most recent call last):
...
symdyn.errors.ParameterError: --out /nonexistent/d/x.csv: the directory /nonexistent/d does not exist
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Sequence

from .errors import ParameterError

__all__ = ["check_output_file", "check_output_dir"]


def _probe_dir(directory: Path, label: str) -> None:
    if not directory.exists():
        raise ParameterError(f"{label}: the directory {directory} does not exist")
    if not directory.is_dir():
        raise ParameterError(f"{label}: {directory} is not a directory")
    try:
        fd, name = tempfile.mkstemp(dir=directory, prefix=".symdyn-probe-")
    except OSError as exc:
        raise ParameterError(f"{label}: cannot write in {directory} ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(name)


def check_output_file(path: str | os.PathLike, option: str, suffixes: Sequence[str] | None = None) -> Path:
    """*path* as a Path if a file can be written there (and it ends in one of *suffixes*), else a one-line
    :class:`~symdyn.errors.ParameterError` naming *option*."""
    p = Path(path)
    label = f"{option} {p}"
    if suffixes is not None and p.suffix.lower() not in suffixes:
        raise ParameterError(f"{label}: use a file name ending in " + ", ".join(suffixes))
    if p.is_dir():
        raise ParameterError(f"{label} is a directory: give a file name")
    if p.exists():
        try:
            with open(p, "ab"):
                pass
        except OSError as exc:
            raise ParameterError(f"{label}: cannot write it ({exc.strerror or exc})") from None
        return p
    _probe_dir(p.parent if str(p.parent) else Path("."), label)
    return p


def check_output_dir(path: str | os.PathLike, option: str) -> Path:
    """*path* as a Path if it is a writable directory or can be created as one (its parent exists and is
    writable); nothing is created."""
    p = Path(path)
    label = f"{option} {p}"
    if p.exists():
        if not p.is_dir():
            raise ParameterError(f"{label} exists and is not a directory")
        _probe_dir(p, label)
        return p
    parent = p.parent if str(p.parent) else Path(".")
    while not parent.exists() and parent != parent.parent:  # report creates missing parents
        parent = parent.parent
    _probe_dir(parent, label)
    return p
