"""Symmetric matrix sensing with a small initialization (Jin, Li, Lyu, Du, Lee, ICML 2023; spec
``sensing_and_deep_factorization.md`` section 2): model-independent mathematics.

Modules: :mod:`.setting` (validated arguments, loss-scale time unit), :mod:`.instance`
(the contract's ``Ubar`` and the init constants ``c_k``), :mod:`.scalar` (logistic law,
GD scalar map), :mod:`.riccati` (the exact flow at any precision), :mod:`.learning`
(learning times and steps, plateaus, critical points, final state), :mod:`.measurements`
(Gaussian symmetric sensing operators), :mod:`.glrl` (sensing minimizers and the greedy
race), :mod:`.simulation` (GD and ODE kernels), :mod:`.presets` (built-in and published
settings), :mod:`.derivation` (the self-verifying derivation).

The package is not registered as a model yet; the Model class is wired in a second phase.
"""
