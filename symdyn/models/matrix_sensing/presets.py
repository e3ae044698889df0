"""Built-in settings: the staircase example and a published setting (as data), and their step comparison.

**The published setting: Gissin, Shalev-Shwartz and Daniely (ICLR 2020), depth 2.**  Their code
(``matrix_sensing_experiment.py`` of github.com/dsgissin/Incremental-Learning) trains
``W = W_1 W_2`` (two independent d x d layers, Keras float32) on ``m = 1000`` measurements
``y_i = <X_i, W*>`` with i.i.d. standard Gaussian ``X_i`` in ``R^(d x d)`` (not symmetrized),
``W* = diag(12, 6, 4, 3)``, ``d = 50``, the Keras ``mse`` loss ``(1/m) sum_i (<X_i, W> - y_i)^2``,
full-batch gradient descent with step ``1e-3``, and a Gaussian init of each layer with standard
deviation ``init_size^(1/2) / sqrt(d)``, ``init_size = 1e-4``.  The mapping onto this model:

* measurements: for symmetric ``W``, ``<X_i, W> = <(X_i + X_i^T)/2, W>``, so ``A_i = (G_i + G_i^T)/2``
  with ``G_i = X_i`` is exactly the contract's design, and their mean over ``m`` is the contract's
  normalization ``A(Z) = m^(-1/2) (<A_i, Z>)``: their loss is ``||A(W) - y||^2``;
* loss scale: with tied factors ``W = UU^T`` the gradient of ``L = ||A(UU^T) - y||^2`` in ``U`` is
  ``4 A*A(W - X*) U``; untied layers at a balanced symmetric point (``W_1 = U = W_2^T``) each get
  ``2 A*A(W - X*) U`` (the part their symmetric ``A_i`` drive), half of it.  Their GD with step ``eta`` is this model's GD on
  ``loss_scale * L`` with ``4 loss_scale = 2``: ``loss_scale = 1/2`` and the same ``eta = 1e-3``
  (the spec's step ``mu = 4 loss_scale eta = 2e-3``, ``mu sigma_1 = 0.024``);
* init: ``UU^T = alpha^2 Ubar Ubar^T`` with ``Ubar ~ N(0, 1/d)`` has eigenvalues of order ``alpha^2``,
  like their product's singular values of order ``init_size``: ``alpha = init_size^(1/2) = 1e-2``,
  and ``r = d = 50`` (their layers are square);
* differences: their layers are independent, so ``W`` is not symmetric and its antisymmetric part
  (driven by the antisymmetric part of ``X_i``, absent here) and the imbalance of the init are not
  modelled; they track singular values, here eigenvalues of ``UU^T``; they use float32; only their
  depth-2 run corresponds.

With ``m = 1000`` measurements of a ``d = 50`` matrix (``m / (d r*) = 5``, ``sqrt(2d/m) = 0.32``),
the bulk of ``M_0 = A*A(X*)`` reaches about 5, above ``sigma_3`` and ``sigma_4``: this is far from the
RIP regime of spec 2.6, and the race is accurate to a few percent only (:func:`compare_steps`).

>>> sorted(PRESETS)
['gissin-2020', 'staircase', 'staircase-sensing']
>>> PRESETS["gissin-2020"].params["loss_scale"]
'1/2'
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping


from ...simulate.result import spawn_streams
from .setting import Setting

__all__ = ["Preset", "PRESETS", "StepComparison", "compare_steps"]


@dataclass(frozen=True)
class Preset:
    """A named parameter set (contract names, values as exact strings) with its provenance."""

    name: str
    description: str
    params: Mapping[str, str]
    horizon: int
    seed: int = 0
    citation: str | None = None

    def setting(self) -> Setting:
        keys = ("sigma", "d", "r", "alpha", "init_seed", "loss_scale", "level")
        return Setting(**{k: self.params[k] for k in keys if k in self.params})

    @property
    def m(self) -> int | None:
        v = self.params.get("m", "inf")
        return None if v == "inf" else int(v)


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("staircase", "full observation, sigma = 3,2,1 in d = 30 with r = 5 columns (spec 2.5)",
               {"sigma": "3,2,1", "d": "30", "r": "5", "alpha": "1e-8", "eta": "1/100", "m": "inf"}, 2500),
        Preset("staircase-sensing", "the staircase with m = 2500 symmetric Gaussian measurements (spec 2.6)",
               {"sigma": "3,2,1", "d": "30", "r": "5", "alpha": "1e-8", "eta": "1/100", "m": "2500"}, 2500),
        Preset("gissin-2020",
               "Gissin, Shalev-Shwartz, Daniely (ICLR 2020), depth 2, mapped onto the symmetric model "
               "(see the module docstring)",
               {"sigma": "12,6,4,3", "d": "50", "r": "50", "alpha": "1/100", "eta": "1/1000", "m": "1000",
                "loss_scale": "1/2", "level": "1/2"}, 1500, citation="gissin_et_al_2020"),
    )
}


@dataclass(frozen=True)
class StepComparison:
    """Predicted and simulated learning steps of one preset (one measurement draw)."""

    preset: str
    simulated: tuple[int | None, ...]
    race: tuple[float, ...] | None
    scalar_race: tuple[float, ...] | None
    full_observation: tuple[int, ...]
    seconds: float


def compare_steps(name: str) -> StepComparison:
    """Run the preset once (trial 0 of its seed) and predict its learning steps.

    Predictions: the exact scalar-map steps (full observation), and with measurements the
    matrix race and the spec's scalar race (:func:`.glrl.glrl_race`) on the same operator.
    """
    from .glrl import glrl_race
    from .learning import learning_step
    from .measurements import draw_operator
    from .dynamics import gd_run

    pre = PRESETS[name]
    s = pre.setting()
    eta = pre.params["eta"]
    start = time.perf_counter()
    full = tuple(learning_step(s, k, eta).value for k in range(1, s.learnable + 1))
    op = None
    race = scalar = None
    if pre.m is not None:
        op = draw_operator(s.d, pre.m, spawn_streams(pre.seed, 1)[0])
        rc = glrl_race(s, op, eta)
        race, scalar = rc.steps, rc.scalar_steps
    run = gd_run(s, eta, [0], operator=op, horizon=pre.horizon)
    return StepComparison(name, run.learning_steps[: s.learnable], race, scalar, full, time.perf_counter() - start)


