"""The result of the spectral models' ``finite_size()``: known finite-size effects at given sizes.

Both spectral models (rank-one denoising and spiked Wigner) return this object;
it satisfies the :class:`symdyn.check.FiniteSizeEffects` interface the checker
asks for.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the checker consumes this object; the models do not import it
    from ..check import SignRisk

__all__ = ["FiniteSize"]


@dataclass(frozen=True)
class FiniteSize:
    """Known finite-size effects at given sizes (the :class:`symdyn.check.FiniteSizeEffects` interface).

    Attributes
    ----------
    notes : tuple of str
        Caveats, reported as they are (plain text).
    sign : SignRisk or None
        The model's sign-risk analysis above threshold (e.g.
        ``rank_one_denoising.finite_size.RankOneSignRisk``), or ``None``.

    >>> FiniteSize(notes=("inside the BBP window",), sign=None).notes
    ('inside the BBP window',)
    """

    notes: tuple[str, ...]
    sign: SignRisk | None
