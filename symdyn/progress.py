"""Progress meters: the library reports progress through an object the caller supplies.

Library code never prints.  Long computations accept ``progress=`` with the
:class:`Progress` interface; the default :data:`NULL_PROGRESS` does nothing, the
command line passes a rich progress bar that writes to stderr.

>>> with NULL_PROGRESS.task("trials", total=3) as task:
...     for _ in range(3):
...         task.advance()
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import ContextManager, Iterator, Protocol

__all__ = ["Progress", "ProgressTask", "NullProgress", "NULL_PROGRESS"]


class ProgressTask(Protocol):
    """What :meth:`Progress.task` yields: a task that is advanced as work completes."""

    def advance(self, amount: float = 1) -> None: ...


class Progress(Protocol):
    """Interface of progress meters (a context manager per task)."""

    def task(self, description: str, total: float | None = None) -> ContextManager[ProgressTask]: ...


class _NullTask:
    def advance(self, amount: float = 1) -> None:
        return None


class NullProgress:
    """A progress meter that reports nothing."""

    @contextmanager
    def task(self, description: str, total: float | None = None) -> Iterator[_NullTask]:
        yield _NullTask()


NULL_PROGRESS = NullProgress()
