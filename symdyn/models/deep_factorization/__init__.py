"""The ``deep-factorization`` model (Chou & Wang 2026; Chou, Gieshoff, Maly, Rauhut; Arora et al. 2019).

Gradient descent on ``W = W_N ... W_1`` from ``W_j(0) = alpha I`` fitting ``W^ = W* + E`` with the loss
``(1/2)||W_N ... W_1 - W^||_F^2``.  The layers stay equal polynomials in ``W^``, so every eigenvalue of the
product follows the scalar law ``lambda' = N lambda^(2 - 2/N) (s - lambda)`` (flow) or the recursion
``w <- w + eta w^(N-1) (s - w^N)``, ``lambda = w^N`` (GD), with ``s`` an eigenvalue of ``W^``.

Modules (model-independent: plain exact arguments, results with their evidence):

* :mod:`.closed_forms` -- ``F_N`` (2F1, elementary, Lerch, series), times to reach, the inverse ``lambda(t)``,
  asymptotics in ``alpha -> 0``, decay laws of zero and negative targets, the quadrature route;
* :mod:`.steps` -- exact first-hitting step counts of the recursion (proved), the modified-equation estimate,
  the step-size condition;
* :mod:`.interval` -- ``T0(k)``, ``T1(k)``, the interval length, the spectral condition;
* :mod:`.perturbation` -- the seeded perturbation, Weyl / Davis-Kahan, eigenvalue shifts, shifted intervals;
* :mod:`.simulation` -- full-matrix GD of the ``N`` layers;
* :mod:`.derivation` -- the self-verifying derivation;
* :mod:`.presets` -- parameter sets (``arora2019``).

The model's views (the generic interface): :mod:`.spec`, :mod:`.canonical`, :mod:`.evaluation`,
:mod:`.limits`, :mod:`.boundaries`, the simulator in :mod:`.simulation`, the report's figures in :mod:`.figures`.
"""

from .model import DeepFactorization

MODEL = DeepFactorization()

__all__ = ["MODEL", "DeepFactorization"]
