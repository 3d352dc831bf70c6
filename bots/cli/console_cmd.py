"""`o2c console`: serve the operator console in the foreground."""

from __future__ import annotations

import logging
import sys

import click

from bots.config import LOOPBACK, load_settings

log = logging.getLogger(__name__)


@click.command("console")
@click.option(
    "--host",
    default=None,
    help="Address to listen on (default from settings: 127.0.0.1).",
)
@click.option("--port", type=int, default=None, help="Port (default 8800).")
def console(host: str | None, port: int | None) -> None:
    """Serve the operator console until Ctrl+C."""
    from werkzeug.serving import make_server

    from bots.console import create_app
    from bots.console.users import list_users

    settings = load_settings()
    host = host or settings.console.host
    port = port or settings.console.port
    app = create_app(settings)
    if not list_users(settings):
        click.echo(
            "no console users yet: add one with `o2c users add NAME "
            "--role admin --password-stdin`",
            err=True,
        )
    if host not in LOOPBACK:
        click.echo(
            f"warning: listening on {host}; put the console behind HTTPS "
            "before others reach it",
            err=True,
        )
    try:
        server = make_server(host, port, app, threaded=True)
    except OSError as exc:
        click.echo(
            f"o2c: cannot listen on {host}:{port} ({exc.strerror or exc}); "
            "choose another --port or stop what uses it",
            err=True,
        )
        sys.exit(2)
    click.echo(f"operator console on http://{host}:{port}/ (Ctrl+C stops it)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("console stopped")
    finally:
        server.server_close()


def register(main: click.Group) -> None:
    main.add_command(console)
