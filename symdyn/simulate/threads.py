"""Scoped limits on the BLAS thread pools (OpenBLAS as shipped with numpy and scipy).

On a small machine shared with other work, multi-threaded OpenBLAS can be very slow:
measured on the 2-core development machine under load, ``eigh`` of a 100 x 100 matrix
took 220 ms with 2 threads and 0.8 ms with one, and a 1000 x 2000 matrix-vector
product 16 ms against 0.3 ms.  Simulations therefore take an explicit ``threads``
argument; :func:`blas_threads` applies it only inside a ``with`` block and restores
the previous setting afterwards.  ``None`` leaves everything as it is.

>>> with blas_threads(None):
...     pass
"""

from __future__ import annotations

import ctypes
from contextlib import contextmanager
from typing import Iterator

from ..errors import ParameterError

__all__ = ["blas_threads", "openblas_pools"]

# (getter, setter) symbol names of the OpenBLAS builds numpy/scipy wheels ship, and of plain OpenBLAS
_SYMBOLS = (
    ("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
    ("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
    ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
    ("openblas_get_num_threads", "openblas_set_num_threads"),
)


def openblas_pools() -> list[tuple[str, object, object]]:
    """``(path, get, set)`` for every OpenBLAS library loaded in this process (Linux; empty elsewhere)."""
    try:
        with open("/proc/self/maps") as fh:
            paths = sorted({ln.split()[-1] for ln in fh if "openblas" in ln.lower() and ln.split()[-1].startswith("/")})
    except OSError:
        return []
    pools = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for get_name, set_name in _SYMBOLS:
            get, put = getattr(lib, get_name, None), getattr(lib, set_name, None)
            if get is not None and put is not None:
                get.restype = ctypes.c_int
                put.argtypes = [ctypes.c_int]
                pools.append((path, get, put))
                break
    return pools


@contextmanager
def blas_threads(threads: int | None) -> Iterator[None]:
    """Run the block with at most *threads* BLAS threads (``None``: unchanged)."""
    if threads is None:
        yield
        return
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ParameterError(f"threads={threads!r} must be a whole number >= 1 (or None to leave BLAS alone)")
    pools = openblas_pools()
    saved = [(put, get()) for _, get, put in pools]
    try:
        for put, _ in saved:
            put(threads)
        yield
    finally:
        for put, old in saved:
            put(old)
