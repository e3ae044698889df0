"""The ``deep-factorization`` model object: declarations; the layers are the package's modules."""

from __future__ import annotations

from typing import Any

from ...tex import Prose
from ..base import PackagedModel
from . import spec

__all__ = ["DeepFactorization"]


class DeepFactorization(PackagedModel):
    """GD on ``W = W_N ... W_1`` from ``W_j(0) = alpha I`` fitting ``W^ = W* + E`` (spec 3; Chou & Wang 2026).

    The initialization is given either per layer (``alpha``: ``W_j(0) = alpha I``, this spec's and CGMR's
    convention) or for the product (``lambda0 = alpha^N``: ``W(0) = lambda0 I``, Arora et al.'s ``init_scale``).

    >>> import symdyn as sd
    >>> m = sd.model("deep-factorization")
    >>> p = m.params(N="3", sigma="2,1,1/2", alpha="1/10", eta="1/40", k="1")
    >>> [int(m.boundary(q, p).value) for q in ("T0", "T1")]
    [201, 320]
    """

    name = "deep-factorization"
    title = "Deep matrix factorization with a small identity initialization: the low-rank interval and its perturbation"
    summary = Prose("GD on W = W_N ... W_1 (d x d layers) from W_j(0) = alpha I (per layer; lambda0 = alpha^N for "
                    "the product) on (1/2)||W - W^||_F^2, W^ = W* + E, W* PSD with eigenvalues sigma; the layers stay "
                    "equal and every eigenvalue follows lambda' = N lambda^(2-2/N)(s - lambda) (flow) or "
                    "w <- w + eta w^(N-1)(s - w^N), lambda = w^N (GD), s an eigenvalue of W^.",
                    r"Gradient descent on $W = W_N \cdots W_1$ ($d \times d$ layers) from $W_j(0) = \alpha I$ (per "
                    r"layer; $\lambda_0 = \alpha^N$ for the product) on $\frac12\|W - \hat W\|_F^2$, "
                    r"$\hat W = W^* + E$, $W^*$ PSD with eigenvalues $\sigma$; the layers stay equal and every "
                    r"eigenvalue follows $\lambda' = N\lambda^{2-2/N}(s - \lambda)$ (flow) or "
                    r"$w \leftarrow w + \eta\, w^{N-1}(s - w^N)$, $\lambda = w^N$ (gradient descent), $s$ an "
                    r"eigenvalue of $\hat W$.")
    parameter_specs = spec.PARAMETERS
    observable_specs = spec.OBSERVABLES
    quantity_specs = spec.QUANTITIES
    event_specs = spec.EVENTS
    citations = spec.CITATIONS
    regimes = spec.REGIMES
    capabilities = frozenset({"derivation", "evaluate", "limit", "boundary", "certify-boundary", "simulate",
                              "report"})
    step_parameter = "eta"
    #: the simulator is deterministic (one instance per parameter set): no size ladder
    convergence_slope = None
    #: Built-in example of ``symdyn report deep-factorization``: depth 3, a rank-3 target in dimension 8, GD;
    #: the report adds the perturbed case (noise=1/20) and the arora2019 preset.
    report_example = {
        "params": {"N": "3", "sigma": "2,1,1/2", "d": "8", "alpha": "1/10", "eta": "1/40", "k": "2",
                   "gd_theory": "corrected-flow"},
        "seeds": 1,
        "times": ["0", "150", "300", "450", "600", "900", "1200"],
        "note": Prose("noiseless rank-3 target in d = 8, depth 3, GD with eta = 1/40 from alpha = 1/10 per layer; the "
                      "trajectories are predicted by the flow at the modified-equation step; the perturbed case "
                      "(noise = 1/20, noise_seed = 0) follows in its own section",
                      r"noiseless rank-3 target $\sigma = (2, 1, 1/2)$ in $d = 8$, depth $N = 3$, gradient descent "
                      r"with $\eta = 1/40$ from $\alpha = 1/10$ per layer; the trajectories are predicted by the flow "
                      r"at the modified-equation step; the perturbed case ($\|E\| = 1/20$, noise seed $0$) follows "
                      r"in its own section"),
    }
    simulator_name = "DeepFactorizationSimulator"

    def default_comparison(self, params: Any) -> Any:
        from .simulation import default_tolerance

        return default_tolerance(self, params)

    def report_sections(self, context: Any) -> list[Any]:
        from .figures import report_sections

        return report_sections(self, context)
