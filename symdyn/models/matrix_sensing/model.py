"""The ``matrix-sensing`` model object: declarations; the views are the package's modules."""

from __future__ import annotations

from ...tex import Prose
from ..base import PackagedModel
from . import spec
from .presets import PRESETS
from .setting import REGIMES

__all__ = ["MatrixSensing"]


class MatrixSensing(PackagedModel):
    """GD from a small initialization on symmetric matrix sensing, ``f(U) = s ||A(UU^T) - y||^2`` (spec 2).

    >>> import symdyn as sd
    >>> m = sd.model("matrix-sensing")
    >>> p = m.params(sigma="3,2,1", d="12", r="2", alpha="1e-6")
    >>> lim = m.limit(p, dps=20, check=False)
    >>> lim.regime, lim.exact["loss"]
    ('under-parameterized', 1/4)
    """

    name = "matrix-sensing"
    title = "Incremental learning of gradient descent in symmetric matrix sensing (Jin, Li, Lyu, Du, Lee)"
    summary = Prose("GD (or gradient flow) on f(U) = loss_scale ||A(UU^T) - y||^2, U in R^(d x r), from U0 = alpha "
                    "Ubar, for a PSD ground truth X* = diag(sigma, 0, ...): full observation (exact Riccati flow) or m "
                    "symmetric Gaussian measurements; components are learned one at a time (greedy low-rank "
                    "learning).",
                    r"Gradient descent (or gradient flow) on $f(U) = s\,\|\mathcal A(UU^\top) - y\|^2$, "
                    r"$U \in \mathbb R^{d \times r}$, from $U_0 = \alpha\bar U$, for a PSD ground truth "
                    r"$X^* = \mathrm{diag}(\sigma, 0, \dots, 0)$: full observation (exact Riccati flow) or $m$ "
                    r"symmetric Gaussian measurements; components are learned one at a time (greedy low-rank "
                    r"learning).")
    parameter_specs = spec.PARAMETERS
    observable_specs = spec.OBSERVABLES
    quantity_specs = spec.QUANTITIES
    event_specs = spec.EVENTS
    citations = spec.CITATIONS
    regimes = REGIMES
    capabilities = frozenset({"derivation", "evaluate", "limit", "boundary", "simulate", "conditional", "report"})
    step_parameter = "eta"
    #: the predictions are per instance and deterministic: no ladder in a size
    convergence_slope = None
    #: Built-in example of ``symdyn report matrix-sensing``: the staircase under full observation (spec 2.5);
    #: the report adds one run with m = 2500 measurements (the preset staircase-sensing).
    report_example = {
        "params": {k: v for k, v in PRESETS["staircase"].params.items() if k != "m"},
        "seeds": 1,
        "times": ["0", "400", "1400", "2500"],
        "sizes": None,
        "note": Prose("sigma = 3,2,1 in d = 30 with r = 5 columns, alpha = 1e-8, eta = 1/100 (the preset staircase): "
                      "three components learned one at a time, then a second run with m = 2500 Gaussian measurements",
                      r"$\sigma = (3, 2, 1)$ in $d = 30$ with $r = 5$ columns, $\alpha = 10^{-8}$, $\eta = 1/100$ "
                      r"(the preset \emph{staircase}): three components learned one at a time, then a second run "
                      r"with $m = 2500$ Gaussian measurements"),
    }
    simulator_name = "MatrixSensingSimulator"

    def default_comparison(self, params):
        from .tolerances import comparison

        return comparison(self.canonical(params))

    def report_sections(self, context):
        from .staircase import report_sections

        return report_sections(self, context)
