"""Model registry: ``model(name)`` returns the model object.

>>> model("rank-one-denoising").name
'rank-one-denoising'
"""

from __future__ import annotations

from importlib import import_module

from ..errors import ParameterError
from .base import Model

__all__ = ["model", "available_models", "Model"]

# name -> module path; modules are imported on first use so that `symdyn models`
# stays fast and one model's heavy imports do not slow down another.
_REGISTRY: dict[str, str] = {
    "rank-one-denoising": "symdyn.models.rank_one_denoising",
    "spiked-wigner": "symdyn.models.spiked_wigner",
}
_CACHE: dict[str, Model] = {}
_PLANNED = ("matrix-sensing", "deep-factorization")


def available_models() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def model(name: str) -> Model:
    """The model called *name*; unknown names raise :class:`ParameterError`."""
    if name not in _REGISTRY:
        planned = f" ({name} is planned but not implemented yet)" if name in _PLANNED else ""
        raise ParameterError(
            f"unknown model {name!r}{planned}: available are " + ", ".join(_REGISTRY)
        )
    if name not in _CACHE:
        _CACHE[name] = import_module(_REGISTRY[name]).MODEL
    return _CACHE[name]
