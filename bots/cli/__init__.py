"""The `o2c` command line.

Each module in this package adds its commands to the one `main` group by defining
`register(main)`. Exit codes: 0 ok; 1 unexpected failure; 2 usage or configuration
error; 3 the run finished and items went to the exception queue; 4 the run stopped
early because a system it needs is unavailable.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys

import click

from bots import __version__
from bots.errors import ConfigError, O2CError

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_EXCEPTIONS = 3
EXIT_UNAVAILABLE = 4


class O2CGroup(click.Group):
    """Turns the project's own errors into one clear line and an exit code."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"o2c: configuration error: {exc.message}", err=True)
            sys.exit(EXIT_USAGE)
        except O2CError as exc:
            click.echo(f"o2c: {exc.message}", err=True)
            sys.exit(EXIT_FAILED)


@click.group(cls=O2CGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="o2c")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """Order-to-Cash bots: order intake, cash application, status updates.

    Settings come from o2c.toml in $O2C_HOME (default: the current folder) and from
    O2C_* environment variables; passwords only from the environment or the keyring.
    Start with `o2c sandbox up` and `o2c doctor`.
    """
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _register_all() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(main)


_register_all()
