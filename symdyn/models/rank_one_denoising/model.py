"""The ``rank-one-denoising`` model object: declarations; the layers are the package's modules."""

from __future__ import annotations

from ...laws.bbp import BBP_REGIMES, Regime
from ...tex import Prose
from .._quadrature import FAST_PATH, QUADRATURE_OPTIONS
from ..base import PackagedModel
from . import spec

__all__ = ["RankOneDenoising"]


class RankOneDenoising(PackagedModel):
    """Gradient flow / GD on the rank-one rectangular denoising problem ``X = theta u v^T + Z``.

    >>> import symdyn as sd
    >>> m = sd.model("rank-one-denoising")
    >>> p = m.params(c="1/2", theta="6/5", alpha="1/10", beta="1/10")
    >>> traj = m.evaluate(p, ["1"], dps=40)
    >>> sd.mp_to_decimal(traj["m_u"][0], 30)
    '0.232047661005753550807649297995'
    """

    name = "rank-one-denoising"
    title = "Rank-one rectangular matrix denoising by gradient flow / gradient descent"
    summary = Prose("X = theta u v^T + Z (p x n, Z_ij ~ N(0, 1/n), c = p/n); overlaps of the estimates with u, v "
                    "along the flow or GD on the quadratic cost, from a start with overlaps alpha, beta.",
                    r"$X = \theta u v^\top + Z$ ($p \times n$, $Z_{ij} \sim \mathcal{N}(0, 1/n)$, $c = p/n$); the "
                    r"overlaps of the estimates with $u$ and $v$ along the gradient flow or gradient descent on the "
                    r"quadratic cost, from a start with overlaps $\alpha$, $\beta$.")
    parameter_specs = spec.PARAMETERS
    observable_specs = spec.OBSERVABLES
    quantity_specs = spec.QUANTITIES
    citations = spec.CITATIONS
    regimes = BBP_REGIMES + (Regime.CRITICAL_RATIO.value,)
    capabilities = frozenset({"derivation", "evaluate", "limit", "boundary", "certify-boundary",
                              "certify-trajectory", "simulate", "finite-size", "report"})
    evaluation_options = QUADRATURE_OPTIONS
    fast_path = FAST_PATH
    step_parameter = "eta"
    #: deviations from the deterministic equivalent are O(n^(-1/2)) fluctuations
    convergence_slope = -0.5
    simulator_name = "RankOneSimulator"
    #: Built-in example of ``symdyn report rank-one-denoising``.
    report_example = {
        "params": {"c": "1/2", "theta": "6/5", "alpha": "1/10", "beta": "1/10"},
        "n": 2000,
        "seeds": 20,
        "times": ["1", "2", "5", "10", "20"],
        "sizes": [250, 500, 1000, 2000],
        "note": Prose("spec section 9 reference point: c = 1/2, theta = 6/5 (above threshold 0.8409), alpha = beta = 1/10",
                      r"the reference point of the specification: $c = 1/2$, $\theta = 6/5$ (above the threshold "
                      r"$\theta_c = 0.8409$), $\alpha = \beta = 1/10$"),
    }
