"""The ``symdyn`` command (contract: ``shared/design/CLI.md``).

Exit status: 0 success; 1 a check disagrees with theory (or a computation
could not deliver what was asked, e.g. an unprovable enclosure); 2 bad input
or usage, with one line on stderr saying what is wrong and what is allowed.
"""

from __future__ import annotations

import os
import pkgutil
import sys
import warnings
from importlib import import_module
from typing import NoReturn

import click

from ..errors import CertificationError, ConvergenceError, SymdynError, UnsupportedError, shorten

__all__ = ["cli", "main"]

# every module of this package except `common` defines commands as module-level `*_cmd` objects
_COMMAND_MODULES = tuple(
    m.name for m in pkgutil.iter_modules(__path__) if m.name != "common" and not m.name.startswith("_")
)


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        order = ["models", "derive", "eval", "limit", "boundary", "simulate", "check", "report", "sweep", "cite"]
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: order.index(n) if n in order else len(order))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="symdyn")
def cli() -> None:
    """symdyn: exact, high-precision and simulation-checked gradient-descent dynamics
    of low-rank matrix models.

    Parameters are NAME=VALUE words after the model name; values are exact
    decimals or fractions (1/2, 6/5, -0.45, 1e-30).  Run `symdyn models` for the
    models and their parameters.
    """


for _name in _COMMAND_MODULES:
    _mod = import_module(f"{__name__}.{_name}")
    for _attr in dir(_mod):
        _obj = getattr(_mod, _attr)
        if _attr.endswith("_cmd") and isinstance(_obj, click.Command):
            cli.add_command(_obj)


def _fail(message: str, status: int) -> NoReturn:
    click.echo(f"symdyn: error: {shorten(message)}", err=True)
    sys.exit(status)


def _report_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Warnings of the libraries as one line each (counted), never raw source lines on stderr."""
    counts: dict[tuple[str, str], int] = {}
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning)):
            continue  # for developers (pytest shows them), not for the user of a command
        key = (w.category.__name__, str(w.message).splitlines()[0] if str(w.message) else "")
        counts[key] = counts.get(key, 0) + 1
    for (category, message), k in list(counts.items())[:5]:
        click.echo(f"symdyn: warning: {category}: {shorten(message)}" + (f" ({k} times)" if k > 1 else ""), err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console script."""
    with warnings.catch_warnings(record=True) as caught:
        for category in (RuntimeWarning, UserWarning):  # count every occurrence (others keep their filters)
            warnings.filterwarnings("always", category=category)
        try:
            _main(argv)
        finally:
            _report_warnings(caught)


def _main(argv: list[str] | None) -> None:
    try:
        status = cli.main(args=argv, prog_name="symdyn", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        _fail("aborted", 2)
    except click.ClickException as exc:  # usage errors: unknown option, missing argument
        message = exc.format_message().replace("\n", " ")
        hint = ""
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            hint = f" (see '{ctx.command_path} --help')"
        _fail(message + hint, 2)
    except (CertificationError, ConvergenceError) as exc:
        _fail(str(exc).replace("\n", " "), 1)
    except (SymdynError, UnsupportedError) as exc:
        _fail(str(exc).replace("\n", " "), 2)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # pragma: no cover - a bug; keep one line unless debugging
        if os.environ.get("SYMDYN_DEBUG"):
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (set SYMDYN_DEBUG=1 for the traceback)", 1)
    sys.exit(status if isinstance(status, int) else 0)
