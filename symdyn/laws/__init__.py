"""Spectral laws: Marchenko-Pastur (rectangular noise) and the semicircle (symmetric noise)."""

from . import marchenko_pastur, semicircle
from .measure import Atom, SpectralMeasure

__all__ = ["marchenko_pastur", "semicircle", "Atom", "SpectralMeasure"]
