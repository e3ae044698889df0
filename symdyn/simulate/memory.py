"""Memory the simulators may use, and how they state it."""

from __future__ import annotations

import psutil

__all__ = ["available_memory", "format_bytes"]


def available_memory() -> int:
    """Bytes of memory available to a new allocation now (psutil's ``available``)."""
    return int(psutil.virtual_memory().available)


def format_bytes(b: int) -> str:
    """``"1.27 GB"`` or ``"340 MB"``."""
    return f"{b / 1e9:.3g} GB" if b >= 1e8 else f"{b / 1e6:.3g} MB"
