"""Exceptions raised by symdyn.

Every error a user can cause (bad parameters, unsupported requests) is a
:class:`SymdynError`; its message is one line that says what is wrong and what
is allowed, so that the command line can print it as it is and exit with status 2.
"""

from __future__ import annotations

__all__ = [
    "shorten",
    "SymdynError",
    "ParameterError",
    "UnsupportedError",
    "ObservableError",
    "ConvergenceError",
    "CertificationError",
    "CertificationUnavailable",
]


#: A word of an error message longer than this is an echoed user value: it is cut (see :func:`shorten`).
WORD_LIMIT = 80


def shorten(message: str, limit: int = WORD_LIMIT) -> str:
    """*message* with every word longer than *limit* characters cut to about *limit*, noting its length.

    Errors echo the user's input; a 100 MB value must not come back as a 100 MB message.

    >>> shorten("c: '" + "1" * 200 + "': not a number")[-38:]
    "111...' (202 characters): not a number"
    """
    if len(message) <= limit:
        return message
    words = message.split(" ")
    for i, w in enumerate(words):
        if len(w) > limit:
            body, end = (w[:-1], w[-1]) if w[-1] in ":,;)" else (w, "")
            quote = body[-1] if body[-1] in "'\"" else ""
            words[i] = f"{body[: limit - 5]}...{quote} ({len(body)} characters){end}"
    return " ".join(words)


class SymdynError(Exception):
    """Base class of every error symdyn raises on purpose (its message is cut by :func:`shorten`)."""

    def __init__(self, *args: object) -> None:
        if args and isinstance(args[0], str):
            args = (shorten(args[0]),) + args[1:]
        super().__init__(*args)


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


class CertificationUnavailable(CertificationError, UnsupportedError):
    """Certification cannot even start (python-flint is not installed): unsupported, known before any proof."""
