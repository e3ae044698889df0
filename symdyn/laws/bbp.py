"""The regimes of spiked spectral models around the BBP transition.

A spiked model's large-time behaviour depends on whether the signal is above the
Baik-Ben Arous-Peche threshold (an outlier separates from the bulk), exactly at it, or
below it; at the critical ratio of the rank-one rectangular model the outlier's
amplitude vanishes.  These are *model labels*: results carry them as strings
(``Trajectory.regime``), and a model lists the labels it uses in ``Model.regimes``.

>>> Regime.ABOVE == "above-threshold", str(Regime.CRITICAL_RATIO)
(True, 'critical-ratio')
"""

from __future__ import annotations

import enum

__all__ = ["Regime", "BBP_REGIMES"]


class Regime(str, enum.Enum):
    """Large-time regime of a spiked model at given parameters."""

    ABOVE = "above-threshold"
    AT = "at-threshold"
    BELOW = "below-threshold"
    CRITICAL_RATIO = "critical-ratio"

    def __str__(self) -> str:
        return self.value


#: The labels of the spiked models without a critical ratio (spiked Wigner).
BBP_REGIMES = (Regime.ABOVE.value, Regime.AT.value, Regime.BELOW.value)
