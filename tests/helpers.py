"""Precision-aware comparisons for tests (no global mpmath state is changed)."""

from __future__ import annotations

import mpmath as mp


def rel_diff(a, b, dps: int = 60) -> mp.mpf:
    """|a - b| / max(|b|, tiny), computed at dps digits."""
    with mp.workdps(dps):
        a, b = mp.mpf(a), mp.mpf(b)
        scale = abs(b) if b != 0 else mp.mpf(1)
        return abs(a - b) / scale


def assert_digits(a, b, digits: int, what: str = "") -> None:
    """a and b agree to `digits` significant digits."""
    d = rel_diff(a, b, digits + 20)
    assert d < mp.mpf(10) ** (-digits), f"{what}: {mp.nstr(a, digits + 3)} vs {mp.nstr(b, digits + 3)} (rel diff {mp.nstr(d, 3)})"
