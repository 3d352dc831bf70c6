"""`o2c queue ...`: the work queue and the exception queue from the command line.

`list` and `show` read; `retry`, `resolve`, `discard` and `assign` are the
operator's actions, recorded in each item's history with the user's name (--user,
else $O2C_USER, else the login name). An action an item's status does not allow is
refused with exit code 2.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from bots.errors import IllegalTransition
from bots.runtime.present import (
    echo_json,
    fail,
    operator_name,
    settings_with_db,
    short,
    when,
)
from bots.runtime.queue import ItemNotFound, WorkQueue
from bots.runtime.states import STATUSES

log = logging.getLogger(__name__)

LIST_KEYS = (
    "id", "bot", "reference", "status", "priority", "attempts", "assignee",
    "error_kind", "error_code", "error_message", "error_step", "due_at",
    "next_attempt_at", "last_run_id", "created_at", "updated_at",
)  # fmt: skip
user_option = click.option("--user", help="Who acts (default: $O2C_USER or login).")


def _queue() -> WorkQueue:
    return WorkQueue(settings_with_db())


@click.group("queue")
def queue_group() -> None:
    """The work queue and the exception queue."""


@queue_group.command("list")
@click.option("--status", type=click.Choice(STATUSES), multiple=True,
              help="Only items in this status (repeatable).")  # fmt: skip
@click.option("--bot", help="Only this bot's items.")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_items(
    status: tuple[str, ...], bot: str | None, limit: int, as_json: bool
) -> None:
    """Items, most urgent first (priority, due time, age)."""
    items = _queue().list(status=list(status) or None, bot=bot, limit=limit)
    if as_json:
        echo_json([{key: item[key] for key in LIST_KEYS} for item in items])
        return
    table = Table(title=f"{len(items)} work item(s)")
    for column in ("id", "bot", "reference", "status", "tries", "updated", "error"):
        table.add_column(column)
    for item in items:
        error = f"{item['error_code']}: {item['error_message']}" if item[
            "error_code"] else ""  # fmt: skip
        table.add_row(
            str(item["id"]), item["bot"], item["reference"], item["status"],
            str(item["attempts"]), when(item["updated_at"]), short(error),
        )  # fmt: skip
    Console().print(table)


@queue_group.command("show")
@click.argument("item_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show_item(item_id: int, as_json: bool) -> None:
    """One item with its files and history."""
    queue = _queue()
    try:
        item = queue.get(item_id)
    except ItemNotFound as exc:
        fail(exc.message)
    item["files"] = queue.files(item_id)
    item["history"] = queue.history(item_id)
    if as_json:
        echo_json(item)
        return
    _print_item(item)


def _print_item(item: dict[str, Any]) -> None:
    console = Console(highlight=False)
    console.print(f"[bold]work item {item['id']}[/] {item['bot']} / "
                  f"{item['reference']}: [bold]{item['status']}[/]")  # fmt: skip
    for key in ("attempts", "priority", "assignee", "due_at", "next_attempt_at",
                "error_kind", "error_code", "error_step", "error_message",
                "last_run_id", "created_at", "updated_at"):  # fmt: skip
        if item[key] not in (None, ""):
            console.print(f"  {key}: {item[key]}", markup=False)
    console.print(
        "  payload: " + json.dumps(item["payload"], default=str), markup=False
    )
    if item["result"]:
        console.print("  result: " + json.dumps(item["result"], default=str),
                      markup=False)  # fmt: skip
    for entry in item["files"]:
        console.print(f"  file ({entry['kind']}): {entry['path']}", markup=False)
    for event in item["history"]:
        move = f"{event['from_status'] or ''} -> {event['to_status'] or ''}"
        console.print(f"  {when(event['at'])} {event['actor']} {event['action']} "
                      f"{move}: {event['message'] or ''}", markup=False)  # fmt: skip


@queue_group.command("retry")
@click.argument("item_ids", type=int, nargs=-1, required=True)
@click.option(
    "--payload",
    "payload_file",
    type=click.Path(path_type=Path),
    help="A JSON file with the corrected payload (one item only).",
)
@user_option
def retry_items(
    item_ids: tuple[int, ...], payload_file: Path | None, user: str | None
) -> None:
    """Queue items again (from exception or retry), optionally with a new payload."""
    if payload_file is not None and len(item_ids) != 1:
        fail("--payload edits one item; give exactly one ID")
    payload = _read_payload(payload_file) if payload_file else None
    queue = _queue()
    for item_id in item_ids:
        _act(lambda i=item_id: queue.retry(i, operator_name(user), payload))
        click.echo(f"work item {item_id} queued again")


def _read_payload(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"{path}: cannot read the payload file ({exc.strerror})")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"{path}: the payload is not valid JSON ({exc})")
    if not isinstance(data, dict):
        fail(f"{path}: the payload must be a JSON object")
    return data


@queue_group.command("resolve")
@click.argument("item_id", type=int)
@click.option("--note", required=True, help="What was done by hand.")
@user_option
def resolve_item(item_id: int, note: str, user: str | None) -> None:
    """Mark an item finished by hand."""
    queue = _queue()
    _act(lambda: queue.resolve(item_id, operator_name(user), note))
    click.echo(f"work item {item_id} resolved")


@queue_group.command("discard")
@click.argument("item_id", type=int)
@click.option("--reason", required=True, help="Why the item is dropped.")
@user_option
def discard_item(item_id: int, reason: str, user: str | None) -> None:
    """Drop an item."""
    queue = _queue()
    _act(lambda: queue.discard(item_id, operator_name(user), reason))
    click.echo(f"work item {item_id} discarded")


@queue_group.command("assign")
@click.argument("item_id", type=int)
@click.argument("assignee", required=False)
@user_option
def assign_item(item_id: int, assignee: str | None, user: str | None) -> None:
    """Give an item to a person (no ASSIGNEE: unassign)."""
    queue = _queue()
    _act(lambda: queue.assign(item_id, operator_name(user), assignee))
    click.echo(f"work item {item_id} " + (f"assigned to {assignee}" if assignee
                                          else "unassigned"))  # fmt: skip


def _act(action: Any) -> None:
    from bots.errors import O2CError

    try:
        action()
    except (IllegalTransition, ItemNotFound, O2CError) as exc:
        fail(exc.message)


def register(main: click.Group) -> None:
    main.add_command(queue_group)
