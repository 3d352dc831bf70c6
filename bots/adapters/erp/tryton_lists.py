"""Tryton's list screens read through sao's CSV export, as a clerk would.

A list (a model's `paths` entry) opens in a new tab filtered by a domain through
the client's own URL (`;domain=`). Its tab menu opens sao's CSV export dialog; the
selected fields are cleared and the given field paths are added from "All Fields"
(relations unfolded with their arrow, e.g. party -> party/code). "Listed Records"
with "Ignore search limit" exports every record of the filtered list, not one page;
"Use locale format" is unticked, so numbers come as plain decimals and dates as ISO
dates. The CSV the client downloads is caught and checked (its row count against
the client's "N records saved").

A one2many field exports one extra row per further related record, the other
columns empty (Tryton's `export_data`); with two one2many fields the extra rows of
the first come before those of the second. `records` folds them back under their
record. A screen that is not as expected - no list, no dialog, a field path the
dialog does not offer, no download - becomes a TechnicalError with evidence whose
message names the stage.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, expect

from bots.adapters.erp.tryton_ui import SaoScreens
from bots.errors import TechnicalError

log = logging.getLogger(__name__)

LIST, EXPORT = "list", "export"


@dataclass
class Record:
    """One exported record: its own columns and, per one2many, the related
    records' columns (one dict per related record)."""

    values: dict[str, str]
    related: dict[str, list[dict[str, str]]] = field(default_factory=dict)


@contextmanager
def stage(ui: SaoScreens, name: str, step: str) -> Iterator[None]:
    """Name the stage in the TechnicalError of anything failing inside (evidence
    is saved by SaoScreens); a Playwright error becomes one with evidence."""
    try:
        yield
    except TechnicalError as exc:
        raise type(exc)(
            exc.code, f"{name}: {exc.message}", step=exc.step, details=exc.details
        ) from exc
    except PlaywrightError as exc:
        failed = ui.browser_failure(exc, step)
        raise TechnicalError(
            failed.code,
            f"{name}: {failed.message}",
            step=failed.step,
            details=failed.details,
        ) from exc


def read_list(
    ui: SaoScreens,
    screen: str,
    domain: list[Any],
    fields: str,
    columns: tuple[str, ...],
    step: str,
    related: dict[str, tuple[str, ...]] | None = None,
    label: str = "",
) -> list[Record]:
    """The records of the list `screen` (a `paths` entry) filtered by `domain`:
    `columns`, their field paths from the selector entry `fields`, those of
    `related` (one2many -> its columns) folded under their record. `label`
    names the list in error messages."""
    paths = [ui.sel.get(fields, column) for column in columns]
    label = label or screen.replace("_", " ")
    with stage(ui, f"opening the {label}", step):
        open_list(ui, screen, domain, step)
    with stage(ui, f"exporting the {label}", step):
        text = export_csv(ui, paths, step)
    close_tab(ui, step)
    with stage(ui, f"reading the exported CSV of the {label}", step):
        return records(ui, text, columns, related or {}, step)


def open_list(ui: SaoScreens, screen: str, domain: list[Any], step: str) -> None:
    """Open the list `screen` (a `paths` entry) filtered by `domain` in a new tab
    of the client."""
    before = _active_tab_id(ui)
    renewals = ui.renewals
    ui.goto(screen, step, domain=domain)

    def again() -> None:  # sao opens the URL of a reloaded page on start
        ui.page.reload()
        ui.wait_quiet(step)

    if ui.renewals != renewals and _active_tab_id(ui) == before:
        log.info("the client dropped opening %s on logging in again", screen)
        again()
    ui.await_element(ui.tab(), LIST, "ready", step, again=again)
    if _active_tab_id(ui) == before:
        raise ui.failure(
            "unexpected_screen",
            "the client opened no new tab for the list (it ignores a URL it "
            f"cannot read): {ui.page.url}",
            step,
        )


def export_csv(ui: SaoScreens, paths: list[str], step: str) -> str:
    """The active list's records as CSV, through its export dialog: these field
    paths, every listed record, plain (not locale) numbers and dates."""
    tab = ui.tab()
    ui.click(tab, LIST, "tab_menu", step)
    ui.click(tab, LIST, "export", step)
    dialog = ui.require(ui.page, EXPORT, "dialog", step, timeout_ms=_long(ui))
    ui.wait_quiet(step)
    ui.require(dialog, EXPORT, "clear", step).click()  # no request: no wait
    for path in paths:
        _add_field(ui, dialog, path, step)
    chosen = ui.find(dialog, EXPORT, "selected").evaluate_all(
        "nodes => nodes.map(n => n.getAttribute('path'))"
    )
    if chosen != paths:
        raise ui.failure(
            "unexpected_screen",
            f"the export dialog selected {chosen} instead of {paths}",
            step,
        )
    listed = ui.require(dialog, EXPORT, "listed_records", step, state="attached")
    value = listed.get_attribute("value") or ""
    ui.require(dialog, EXPORT, "records", step).select_option(value=value)
    ui.require(dialog, EXPORT, "ignore_limit", step).check()
    ui.require(dialog, EXPORT, "csv_parameters", step).click()
    ui.require(dialog, EXPORT, "csv_shown", step)  # unfolded, not still moving
    _fill_char(ui, dialog, "delimiter", ",", step)
    _fill_char(ui, dialog, "quote_char", '"', step)
    ui.require(dialog, EXPORT, "locale_format", step).set_checked(False)
    ui.require(dialog, EXPORT, "field_names", step).set_checked(True)
    for element, char in (("delimiter", ","), ("quote_char", '"')):
        shown = ui.require(dialog, EXPORT, element, step).input_value()
        if shown != char:
            raise ui.failure(
                "unexpected_screen",
                f"the export dialog's {element} is '{shown}', not '{char}'",
                step,
            )
    text = _download(ui, ui.require(dialog, EXPORT, "ok", step), step)
    _confirm_saved(ui, text, step)
    return text


def close_tab(ui: SaoScreens, step: str) -> None:
    """Close the list's tab; a failure is only logged (the CSV is read by then)."""
    try:
        with stage(ui, "closing the list", step):
            ui.close_tab(step)
    except TechnicalError as exc:
        log.warning("the list stays open: %s", exc.message)


def records(
    ui: SaoScreens,
    text: str,
    columns: tuple[str, ...],
    related: dict[str, tuple[str, ...]],
    step: str,
) -> list[Record]:
    """The CSV's rows as records. The first column is the record's own and never
    empty; a row where it is empty carries further related records only (all
    other columns empty); a related record's columns all empty is none."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or len(rows[0]) != len(columns):
        raise ui.failure(
            "unexpected_screen",
            f"the CSV header {rows[0] if rows else []} does not have the "
            f"{len(columns)} exported fields",
            step,
        )
    mine = [c for c in columns if not any(c in group for group in related.values())]
    found: list[Record] = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(columns):
            raise ui.failure(
                "unexpected_screen",
                f"CSV row {number} has {len(row)} columns, not {len(columns)}",
                step,
            )
        values = dict(zip(columns, row, strict=True))
        if values[columns[0]].strip():
            found.append(Record({c: values[c] for c in mine}, {k: [] for k in related}))
        elif not found or any(values[c].strip() for c in mine):
            raise ui.failure(
                "unexpected_screen",
                f"CSV row {number} has no '{columns[0]}' but is no further related "
                "record of the one above",
                step,
            )
        for name, group in related.items():
            if any(values[c].strip() for c in group):
                found[-1].related[name].append({c: values[c] for c in group})
    return found


def _fill_char(
    ui: SaoScreens, dialog: Locator, element: str, char: str, step: str
) -> None:
    """A one-character CSV parameter (maxlength 1): emptied, then typed."""
    field = ui.require(dialog, EXPORT, element, step)
    for _ in range(3):
        field.click()
        field.fill("")
        field.press_sequentially(char)
        if field.input_value() == char:
            return
    raise ui.failure(
        "unexpected_screen",
        f"the export dialog's {element} keeps '{field.input_value()}', not '{char}'",
        step,
    )


def _add_field(ui: SaoScreens, dialog: Locator, path: str, step: str) -> None:
    """Select `path` in "All Fields" (unfolding its relations) and add it."""
    fields = ui.require(dialog, EXPORT, "all_fields", step)
    parts = path.split("/")
    for depth in range(1, len(parts)):
        child = "/".join(parts[: depth + 1])
        if not ui.find(fields, EXPORT, "field", path=child).count():
            parent = "/".join(parts[:depth])
            ui.require(fields, EXPORT, "expand", step, path=parent).click()
    ui.require(fields, EXPORT, "field", step, path=path).click()
    ui.require(dialog, EXPORT, "add", step).click()


def _download(ui: SaoScreens, ok: Locator, step: str) -> str:
    try:
        with ui.page.expect_download(timeout=_long(ui)) as caught:
            ok.click()
        download = caught.value
        failed = download.failure()
        saved = None if failed else download.path()
    except PlaywrightError as exc:
        failed = str(exc).strip().splitlines()[0][:200] if str(exc) else "timeout"
        saved = None
    if saved is None:
        shown = ui.dialog_message()
        raise ui.failure(
            "unexpected_screen",
            f"the export dialog gave no CSV download ({failed})"
            + (f"; the client says: {shown[:200]}" if shown else ""),
            step,
        )
    return Path(saved).read_text(encoding="utf-8-sig")


def _confirm_saved(ui: SaoScreens, text: str, step: str) -> None:
    """Close the client's "N records saved" and check N against the CSV rows."""
    saved = ui.require(ui.page, EXPORT, "saved", step, timeout_ms=_long(ui))
    message = saved.inner_text().strip()
    ui.click(saved, EXPORT, "saved_ok", step)
    try:
        expect(ui.find(ui.page, "common", "dialog")).to_have_count(0, timeout=_long(ui))
    except AssertionError:
        raise ui.failure(
            "unexpected_screen", "a dialog stayed open after the export", step
        ) from None
    count = re.search(r"\d+", message)
    rows = len(list(csv.reader(io.StringIO(text)))) - 1
    if count and int(count.group()) != rows:
        raise ui.failure(
            "unexpected_screen",
            f"the client saved {count.group()} records but the CSV holds {rows} rows",
            step,
        )


def _active_tab_id(ui: SaoScreens) -> str | None:
    tab = ui.find(ui.page, "common", "active_tab")
    return tab.first.get_attribute("id") if tab.count() else None


def _long(ui: SaoScreens) -> int:
    return ui.browser.settings.browser.timeout_ms
