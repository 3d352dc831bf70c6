"""`o2c doctor`: check that everything the bots need is there, with a fix for each
failure: the browser, the database, the mail server, the ERP and portals, and every
selector and schedule file."""

from __future__ import annotations

import json
import logging
import socket
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import click
import yaml

from bots.config import Settings, load_settings
from bots.errors import ConfigError, O2CError

log = logging.getLogger(__name__)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def check_browser(settings: Settings) -> list[Check]:
    from playwright.sync_api import Error

    from bots.adapters.browser import acquire_driver, release_driver

    path = settings.browser.executable_path or None
    name = f"browser {path or '(Playwright Chromium)'}"
    if path and not Path(path).exists():
        return [
            Check(
                name,
                False,
                "executable not found",
                "apt-get install chromium, or set O2C_BROWSER__EXECUTABLE_PATH",
            )
        ]
    try:
        driver = acquire_driver()
        try:
            browser = driver.chromium.launch(executable_path=path, headless=True)
            version = browser.version
            browser.close()
        finally:
            release_driver()
    except Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        return [
            Check(
                name,
                False,
                f"cannot launch: {first}",
                "check the executable path and that Chromium starts headless",
            )
        ]
    return [Check(name, True, f"launched Chromium {version}")]


def check_database(settings: Settings) -> list[Check]:
    from bots.runtime import db

    url = settings.masked()["database_url"]
    try:
        problem = db.check_migrated(settings)
    except Exception as exc:  # any driver error means unreachable
        return [
            Check(
                "database",
                False,
                f"{url}: {exc.__class__.__name__}: {exc}",
                "check O2C_DATABASE_URL and that the server is running",
            )
        ]
    if problem:
        return [Check("database", False, f"{url}: {problem}", "run `o2c db upgrade`")]
    return [Check("database", True, f"{url}: reachable and migrated")]


def check_mail(settings: Settings) -> list[Check]:
    from imapclient import IMAPClient

    imap = settings.imap
    name = f"mail imap://{imap.host}:{imap.port}"
    try:
        password = settings.secret("imap.password")
    except ConfigError as exc:
        return [Check(name, False, "no password set", exc.fix)]
    try:
        client = IMAPClient(
            imap.host, port=imap.port, ssl=imap.security == "tls", timeout=10
        )
        if imap.security == "starttls":
            client.starttls()
        client.login(imap.username, password)
        client.select_folder(imap.folder, readonly=True)
        client.logout()
    except (OSError, socket.timeout) as exc:
        return [
            Check(
                name,
                False,
                f"unreachable: {exc}",
                "start the mail server (o2c sandbox up) or fix imap.host/port",
            )
        ]
    except Exception as exc:  # IMAP protocol errors: login refused, no folder
        return [
            Check(
                name,
                False,
                f"login or folder failed: {exc}",
                "check imap.username, O2C_IMAP__PASSWORD and imap.folder",
            )
        ]
    return [Check(name, True, f"logged in as {imap.username}, {imap.folder} readable")]


def _http_check(name: str, url: str) -> Check:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return Check(name, True, f"{url} answers HTTP {answer.status}")
    except urllib.error.HTTPError as exc:
        ok = exc.code < 500
        return Check(
            name,
            ok,
            f"{url} answers HTTP {exc.code}",
            "" if ok else "the system reports an error or maintenance",
        )
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Check(
            name,
            False,
            f"{url} unreachable: {reason}",
            "start it (o2c sandbox up) or correct its url setting",
        )


def check_systems(settings: Settings) -> list[Check]:
    checks = [_http_check(f"erp ({settings.erp.kind})", settings.erp.url)]
    for name, portal in settings.portals.items():
        checks.append(_http_check(f"portal {name}", portal.url))
    return checks


def _load_yaml(path: Path) -> object:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def check_files(settings: Settings) -> list[Check]:
    checks: list[Check] = []
    for folder, validate in (
        (settings.selectors_dir, _validate_selectors),
        (settings.schedules_dir, lambda path: _validate_schedule(path, settings)),
    ):
        files = sorted(folder.glob("*.y*ml"))
        if not files:
            checks.append(
                Check(
                    f"{folder.name}/",
                    False,
                    f"no YAML files in {folder}",
                    f"add files to {folder} or remove the empty folder",
                )
            )
        for path in files:
            try:
                validate(path)
            except (O2CError, yaml.YAMLError, ValueError, KeyError) as exc:
                checks.append(
                    Check(
                        f"{folder.name}/{path.name}",
                        False,
                        str(exc),
                        "correct the file",
                    )
                )
            else:
                checks.append(Check(f"{folder.name}/{path.name}", True, "loads"))
    return checks


def _validate_selectors(path: Path) -> None:
    from bots.adapters import selectors

    selectors.load_file(path)


def _validate_schedule(path: Path, settings: Settings) -> None:
    from bots.runtime import schedules

    schedules.load_schedule(path, settings)


CHECKS: list[tuple[str, Callable[[Settings], list[Check]]]] = [
    ("browser", check_browser),
    ("database", check_database),
    ("mail", check_mail),
    ("systems", check_systems),
    ("files", check_files),
]


def run_checks(settings: Settings, only: tuple[str, ...] = ()) -> list[Check]:
    results: list[Check] = []
    for key, check in CHECKS:
        if only and key not in only:
            continue
        try:
            results.extend(check(settings))
        except Exception as exc:  # a broken check must not hide the others
            log.debug("check %s failed", key, exc_info=True)
            results.append(
                Check(key, False, f"check failed: {exc}", "see o2c -vv doctor")
            )
    return results


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--only",
    multiple=True,
    type=click.Choice([k for k, _ in CHECKS]),
    help="Run only these checks (repeatable).",
)
def doctor(as_json: bool, only: tuple[str, ...]) -> None:
    """Check browser, database, mail, ERP and portals, selector and schedule files.

    Exits 0 when every check passes, 1 otherwise; each failure comes with a fix.
    """
    results = run_checks(load_settings(), only)
    if as_json:
        click.echo(json.dumps([asdict(c) for c in results], indent=2))
    else:
        _print_table(results)
    sys.exit(0 if all(c.ok for c in results) else 1)


def _print_table(results: list[Check]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title="o2c doctor")
    for column in ("check", "result", "detail", "fix"):
        table.add_column(column, overflow="fold")
    for check in results:
        mark = Text("ok", style="green") if check.ok else Text("FAIL", style="bold red")
        table.add_row(check.name, mark, check.detail, check.fix)
    Console().print(table)


def register(main: click.Group) -> None:
    main.add_command(doctor)
