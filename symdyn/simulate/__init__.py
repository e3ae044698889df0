"""Finite-size simulation: seeded random instances and exact dynamics."""

from .result import SimulationResult, Simulator, spawn_streams

__all__ = ["SimulationResult", "Simulator", "spawn_streams"]
