"""Exceptions raised by symdyn.

Every error a user can cause (bad parameters, unsupported requests) is a
:class:`SymdynError`; its message is one line that says what is wrong and what
is allowed, so that the command line can print it as it is and exit with status 2.
"""

from __future__ import annotations

__all__ = [
    "SymdynError",
    "ParameterError",
    "UnsupportedError",
    "ObservableError",
    "ConvergenceError",
    "CertificationError",
]


class SymdynError(Exception):
    """Base class of every error symdyn raises on purpose."""


class ParameterError(SymdynError, ValueError):
    """A parameter is unknown, missing, malformed or outside its domain."""


class UnsupportedError(SymdynError):
    """The request is well formed but the model or method does not support it."""


class ObservableError(ParameterError, UnsupportedError):
    """An observable (or event) name that does not exist for the model at these parameters.

    Bad input (a :class:`ParameterError`) and, for older callers, an unsupported request.
    """


class ConvergenceError(SymdynError):
    """A numerical method could not reach the requested accuracy."""


class CertificationError(SymdynError):
    """A rigorous enclosure could not be proved; no ball is returned."""
