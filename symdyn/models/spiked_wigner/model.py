"""The ``spiked-wigner`` model object: declarations; the layers are the package's modules."""

from __future__ import annotations

from ...laws.bbp import BBP_REGIMES
from .._quadrature import FAST_PATH, QUADRATURE_OPTIONS
from ..base import PackagedModel
from ...tex import Prose
from . import spec

__all__ = ["SpikedWigner"]


class SpikedWigner(PackagedModel):
    """Spherical gradient flow / GD on the spiked Wigner model ``Y = theta x x^T + W`` (spec 6).

    >>> import symdyn as sd
    >>> m = sd.model("spiked-wigner")
    >>> p = m.params(theta="3/2", alpha="1/5")
    >>> str(m.limit(p, dps=20, check=False).regime)
    'above-threshold'
    """

    name = "spiked-wigner"
    title = "Symmetric spiked Wigner model by spherical gradient flow / gradient descent (Bodin-Macris)"
    summary = Prose("Y = theta x x^T + W (W GOE, semicircle on [-2, 2], |x| = 1); overlap m(t) = <x, x(t)> of "
                    "x(t) = e^{tY} x0/|e^{tY} x0| (or (I + eta Y)^k x0 normalised) from x0 = alpha x + "
                    "sqrt(1 - alpha^2) g.",
                    r"$Y = \theta x x^\top + W$ ($W$ from the GOE, semicircle law on $[-2, 2]$, $|x| = 1$); the "
                    r"overlap $m(t) = \langle x, x(t)\rangle$ of $x(t) = e^{tY} x_0/|e^{tY} x_0|$ (or of "
                    r"$(I + \eta Y)^k x_0$ normalised) from $x_0 = \alpha x + \sqrt{1 - \alpha^2}\, g$.")
    parameter_specs = spec.PARAMETERS
    observable_specs = spec.OBSERVABLES
    quantity_specs = spec.QUANTITIES
    citations = spec.CITATIONS
    regimes = BBP_REGIMES
    capabilities = frozenset({"derivation", "evaluate", "limit", "boundary", "certify-boundary",
                              "simulate", "finite-size", "report"})
    evaluation_options = QUADRATURE_OPTIONS
    fast_path = FAST_PATH
    step_parameter = "eta"
    #: deviations from the deterministic equivalent are O(n^(-1/2)) fluctuations
    convergence_slope = -0.5
    #: Built-in example of ``symdyn report spiked-wigner`` (spec 6 simulation setting: n = 2000, t up to 20).
    report_example = {
        "params": {"theta": "3/2", "alpha": "3/10"},
        "n": 2000,
        "seeds": 20,
        "times": ["1", "2", "5", "10", "20"],
        "sizes": [250, 500, 1000, 2000],
        "note": Prose("above threshold (theta_c = 1): m -> sqrt(1 - theta^-2) = 0.7454, approached on the time scale "
                      "theta/(theta - 1)^2 = 6",
                      r"above the threshold $\theta_c = 1$: $m(t) \to \sqrt{1 - \theta^{-2}} = 0.7454$, approached on "
                      r"the time scale $\theta/(\theta - 1)^2 = 6$"),
    }
    simulator_name = "SpikedWignerSimulator"
