"""Model registry: ``model(name)`` returns the model object.

>>> model("rank-one-denoising").name
'rank-one-denoising'
"""

from __future__ import annotations

from importlib import import_module

from ..errors import ParameterError
from .base import Model

__all__ = ["model", "available_models", "register", "Model"]

# name -> module path; modules are imported on first use so that `symdyn models`
# stays fast and one model's heavy imports do not slow down another.
_REGISTRY: dict[str, str] = {
    "rank-one-denoising": "symdyn.models.rank_one_denoising",
    "spiked-wigner": "symdyn.models.spiked_wigner",
    "deep-factorization": "symdyn.models.deep_factorization",
    "matrix-sensing": "symdyn.models.matrix_sensing",
}
_CACHE: dict[str, Model] = {}
_PLANNED: tuple[str, ...] = ()


def register(obj: Model, *, replace: bool = False) -> Model:
    """Register a model object under its ``name`` (a model of your own, or a test model).

    The command line and :func:`model` then find it like the built-in ones.  An existing
    name is refused unless ``replace=True``.
    """
    if not isinstance(obj, Model):
        raise TypeError(f"register() takes a Model object, not {type(obj).__name__}")
    if not replace and (obj.name in _REGISTRY or obj.name in _CACHE):
        raise ValueError(f"a model named {obj.name!r} is already registered")
    _REGISTRY[obj.name] = type(obj).__module__
    _CACHE[obj.name] = obj
    return obj


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
