"""The ``symdyn`` command (contract: ``docs/CLI.md``).

Exit status: 0 success; 1 a check disagrees with theory or a certification cannot be proved;
2 bad input, usage, or a request known to be unsupported before any work (one line on stderr
saying what is wrong and what is allowed); 3 a computation failed (a method did not converge,
or an internal error); 130 interrupted (Ctrl-C).
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

__all__ = ["cli", "main", "EXIT_DISAGREE", "EXIT_INPUT", "EXIT_FAILED", "EXIT_INTERRUPTED"]

EXIT_DISAGREE = 1      # a check disagrees, a certification cannot be proved, a derivation step fails
EXIT_INPUT = 2         # bad input or usage, or unsupported: known before any work
EXIT_FAILED = 3        # the computation failed (no convergence, internal error)
EXIT_INTERRUPTED = 130

# every module of this package except `common` defines commands as module-level `*_cmd` objects
_COMMAND_MODULES = tuple(
    m.name for m in pkgutil.iter_modules(__path__) if m.name != "common" and not m.name.startswith("_")
)


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        order = ["models", "derive", "eval", "limit", "boundary", "simulate", "check", "report", "sweep", "plot", "verify",
                 "cite"]
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


def _refuse_repeats(command: click.Command) -> click.Command:
    """One rule for every command: an option that is not declared repeatable (``derive --step``) and is
    given twice is refused, never silently last-wins: lists are comma-separated words (``--t 1,5``)."""
    make_parser = command.make_parser

    def strict_parser(ctx: click.Context):
        parser = make_parser(ctx)
        parse_args = parser.parse_args

        def parse(args):
            opts, largs, order = parse_args(args=args)
            seen: set[str] = set()
            for param in order:
                if isinstance(param, click.Option) and not param.multiple and not param.count:
                    if param.name in seen:
                        hint = " (one comma-separated list, e.g. --t 1,5)" if param.metavar and "," in param.metavar \
                            else ""
                        raise click.UsageError(f"option {param.opts[0]} is given more than once{hint}", ctx=ctx)
                    seen.add(param.name)
            return opts, largs, order

        parser.parse_args = parse
        return parser

    command.make_parser = strict_parser
    return command


for _name in _COMMAND_MODULES:
    _mod = import_module(f"{__name__}.{_name}")
    for _attr in dir(_mod):
        _obj = getattr(_mod, _attr)
        if _attr.endswith("_cmd") and isinstance(_obj, click.Command):
            cli.add_command(_refuse_repeats(_obj))


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


def _interrupted(exc: BaseException) -> bool:
    """Whether *exc* stems from Ctrl-C: an extension (python-flint's ``acb.integral``) that calls back
    into Python turns the KeyboardInterrupt raised there into a SystemError caused by it."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def _main(argv: list[str] | None) -> None:
    try:
        status = cli.main(args=argv, prog_name="symdyn", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort as exc:  # click turns Ctrl-C into Abort
        if isinstance(exc.__context__, KeyboardInterrupt):
            _fail("interrupted", EXIT_INTERRUPTED)
        _fail("aborted", EXIT_INPUT)
    except click.exceptions.NoArgsIsHelpError as exc:  # `symdyn` alone: the normal help
        click.echo(exc.ctx.get_help())
        sys.exit(0)
    except click.ClickException as exc:  # usage errors: unknown option, missing argument
        message = exc.format_message().replace("\n", " ")
        hint = ""
        ctx = getattr(exc, "ctx", None)
        if ctx is not None:
            hint = f" (see '{ctx.command_path} --help')"
        _fail(message + hint, EXIT_INPUT)
    except UnsupportedError as exc:  # before CertificationError: a missing python-flint is both
        _fail(str(exc).replace("\n", " "), EXIT_INPUT)
    except CertificationError as exc:
        _fail(str(exc).replace("\n", " "), EXIT_DISAGREE)
    except ConvergenceError as exc:
        _fail(str(exc).replace("\n", " "), EXIT_FAILED)
    except SymdynError as exc:
        _fail(str(exc).replace("\n", " "), EXIT_INPUT)
    except KeyboardInterrupt:
        _fail("interrupted", EXIT_INTERRUPTED)
    except Exception as exc:  # pragma: no cover - a bug; keep one line unless debugging
        if _interrupted(exc):
            _fail("interrupted", EXIT_INTERRUPTED)
        if os.environ.get("SYMDYN_DEBUG"):
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (set SYMDYN_DEBUG=1 for the traceback)", EXIT_FAILED)
    sys.exit(status if isinstance(status, int) else 0)
