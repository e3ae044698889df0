"""The rank-one rectangular denoising model (spec ``rank_one_denoising.md``)."""

from .model import RankOneDenoising

MODEL = RankOneDenoising()

__all__ = ["MODEL", "RankOneDenoising"]
