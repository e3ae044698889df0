"""The stated tolerances of the matrix-sensing check (spec section 6), in one place.

The simulator is deterministic given the parameters and a trial's seed stream, and the
predictions are per instance, so theory and simulation are compared with a
:class:`~symdyn.check.Tolerance`, one tolerance per observable family:

=======================  ==============================  ==========================================
row                      GD, or any sensing run           full-observation flow (ODE cross-check)
=======================  ==============================  ==========================================
``learning_step_k``      1 step (full obs., A1);          relative 1e-7 (exact Riccati root
                         1% + 1 step (sensing, A7)        against DOP853 events)
``lambda_i``             rel 1e-3 + 1e-3 sigma_min        rel 1e-7 + 1e-12 sigma_1
``loss``                 rel 1e-3 (A9) + 1e-3 s sigma_min^2  rel 1e-7 + 1e-12 s sigma_1^2
``erank``                rel 1e-2                         rel 1e-7
``rank``                 exact (abs 1/2)                  exact (abs 1/2)
``truncation_distance``  rel 0.1 (A8: ratio > 10)         rel 1e-7 + 1e-12 sigma_1
                         + 2e-3 sigma_1
=======================  ==============================  ==========================================

GD and sensing rows are compared only where the theory predicts a state: the linear phase
(before the first component reaches ``PLATEAU_TOL/2 sigma_min``) and the plateaus (every
learned component within ``PLATEAU_TOL/2`` of its limit, the next one below
``PLATEAU_TOL/2 sigma_min``); rows inside a transition have no prediction and are excluded.
"""

from __future__ import annotations

from ...check import Tolerance
from .canonical import Canonical

__all__ = ["PLATEAU_TOL", "comparison", "event_tolerance"]

#: Relative accuracy the plateau and linear-phase predictions are compared at (spec A9).
PLATEAU_TOL = 1e-3


def event_tolerance(can: Canonical) -> tuple[float, float]:
    """``(rel, abs)`` of the ``learning_step_k`` rows."""
    if can.sensing:
        return (0.01, 1.0) if can.gd else (0.01, 0.0)
    return (0.0, 1.0) if can.gd else (1e-7, 1e-9)


def comparison(can: Canonical) -> Tolerance:
    """The default comparison of a check of *can* (see the module docstring)."""
    s = can.setting
    sig1, sigmin, scale = float(s.sigma[0]), float(s.sigma[-1]), float(s.loss_scale)
    exact_flow = not can.gd and not can.sensing
    if exact_flow:
        per = {"lambda": (1e-7, 1e-12 * sig1), "loss": (1e-7, 1e-12 * scale * sig1 ** 2), "erank": (1e-7, 0.0),
               "truncation_distance": (1e-7, 1e-12 * sig1)}
    else:
        t = PLATEAU_TOL
        per = {"lambda": (t, t * sigmin), "loss": (t, t * scale * sigmin ** 2), "erank": (10 * t, 0.0),
               "truncation_distance": (0.1, 2 * t * sig1)}
    per["rank"] = (0.0, 0.5)
    per["learning_step"] = event_tolerance(can)
    return Tolerance(rel=PLATEAU_TOL, abs=PLATEAU_TOL, per_name=per)
