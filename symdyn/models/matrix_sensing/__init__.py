"""Symmetric matrix sensing with a small initialization (Jin, Li, Lyu, Du, Lee, ICML 2023; spec
``sensing_and_deep_factorization.md`` section 2): the ``matrix-sensing`` model.

The model's views (:mod:`.model` declares them): :mod:`.canonical` (parameters to an exact
:class:`~.setting.Setting`), :mod:`.evaluation` (the exact flow at any precision),
:mod:`.limits`, :mod:`.boundaries` (learning times and steps, plateaus, init constants, the
step condition), :mod:`.derivation`, :mod:`.simulation` (the simulator) and
:mod:`.conditional` (per-trial predictions: scalar-map steps, the GLRL race, plateaus),
:mod:`.staircase` (the staircase figure and the report's own sections).

The mathematics underneath: :mod:`.setting` (validated arguments, the loss scale as a time
unit), :mod:`.instance` (the contract's ``Ubar`` and the init constants ``c_k``),
:mod:`.scalar` (logistic law, GD scalar map), :mod:`.riccati` (the exact flow's pencil),
:mod:`.learning` (learning times and steps, plateaus, critical points, final state),
:mod:`.measurements` (Gaussian symmetric sensing operators), :mod:`.glrl` (sensing
minimizers and the greedy race), :mod:`.dynamics` (GD and ODE kernels), :mod:`.presets`
(built-in and published settings).
"""

from .model import MatrixSensing

MODEL = MatrixSensing()

__all__ = ["MODEL", "MatrixSensing"]
