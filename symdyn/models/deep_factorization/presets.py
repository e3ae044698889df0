"""Named parameter sets of the deep-factorization model.

``arora2019`` follows the dynamics figure of Arora, Cohen, Hu, Luo (NeurIPS 2019): depth 3, learning rate
``1e-2``, identity initialization with scale ``1e-3`` *for the product* (their code sets each layer to
``init_scale^(1/N) I``, here ``alpha = 10^-1`` per layer, ``lambda0 = alpha^N = 10^-3``).  Their experiment is
matrix *completion* of a rank-5 target from a subset of entries, in PyTorch float32; the preset is its
full-observation analogue (every entry observed, float64), on a rank-5 PSD target with eigenvalues
``5, 4, 3, 2, 1`` in dimension ``d = 100`` (their matrices are 100 x 100; their target spectrum is random,
so ours is a stated choice).  The interval endpoints of this preset are therefore predictions for the
full-observation dynamics, not a reproduction of their figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import sympy as sp

from ...tex import Prose

__all__ = ["Preset", "PRESETS", "preset"]


@dataclass(frozen=True)
class Preset:
    name: str
    params: Mapping[str, Any]
    description: Prose
    notes: tuple[Prose, ...] = ()


PRESETS: Mapping[str, Preset] = MappingProxyType({
    "arora2019": Preset(
        "arora2019",
        MappingProxyType({"N": 3, "lambda0": sp.Rational(1, 1000), "eta": sp.Rational(1, 100),
                          "sigma": tuple(sp.Integer(v) for v in (5, 4, 3, 2, 1)), "d": 100,
                          "eps": sp.Rational(1, 10), "noise": sp.Integer(0)}),
        Prose("Arora, Cohen, Hu, Luo (2019) dynamics figure: depth 3, step 1e-2, identity init 1e-3 for the product",
              r"Arora, Cohen, Hu, Luo (2019) dynamics figure: depth $N = 3$, step $\eta = 10^{-2}$, identity "
              r"initialization $10^{-3}$ for the product"),
        (Prose("theirs is matrix completion (a subset of the entries observed); this preset observes every entry",
               "theirs is matrix completion (a subset of the entries observed); this preset observes every entry"),
         Prose("their lambda0 = init_scale is the product's initial eigenvalue; per layer alpha = lambda0^(1/N) = 1/10",
               r"their initialization scale is the product's initial eigenvalue $\lambda_0$; per layer "
               r"$\alpha = \lambda_0^{1/N} = 1/10$"),
         Prose("their target spectrum is random; sigma = (5, 4, 3, 2, 1) is this preset's choice",
               r"their target spectrum is random; $\sigma = (5, 4, 3, 2, 1)$ is this preset's choice")),
    ),
})


def preset(name: str) -> Preset:
    """The preset *name* (KeyError lists the known ones)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"no preset {name!r}; known: {', '.join(PRESETS)}") from None
