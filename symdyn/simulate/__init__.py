"""Finite-size simulation: seeded random instances and exact dynamics."""

from .result import BasicPlan, SimulationPlan, SimulationResult, Simulator, spawn_streams

__all__ = ["SimulationResult", "Simulator", "SimulationPlan", "BasicPlan", "spawn_streams"]
