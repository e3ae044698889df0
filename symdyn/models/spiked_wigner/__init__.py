"""The symmetric spiked Wigner model (spec ``rank_one_denoising.md`` section 6; Bodin & Macris 2021)."""

from .model import SpikedWigner

MODEL = SpikedWigner()

__all__ = ["MODEL", "SpikedWigner"]
