"""Open invoices and bank statements in Tryton (modules account_invoice and
account_statement), through the logged-in web client.

The open items are the posted customer invoices with an amount still to pay,
written to the .xlsx layout the cash-application bot reads. A payment becomes one
bank statement named after its bank reference, entered through the statement
form like a user would: name, journal (of the payment's currency, from the
journal list), date, total amount, then one line per application against its
invoice (and one for any unapplied rest on the customer's account) through the
lines' form view; saved, validated and posted with the form's buttons. Whether a
bank reference was entered before is read from the statement list filtered to
that name (a draft or validated statement counts, a cancelled one does not).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator

from bots.adapters.erp.base import Customer, PaymentPosting, PostedPayment
from bots.adapters.erp.tryton_ui import SaoScreens
from bots.errors import BusinessError

log = logging.getLogger(__name__)

COUNTED_STATES = ("draft", "validated", "posted")  # a cancelled one is not entered
MAX_TABS = 20
# A date as shown, parsed the way the client parses what is typed into a date
# field (the user's date format): [year, month, day] or null.
PARSE_DATE_JS = """(text) => {
  const day = Sao.common.parse_date(Sao.common.date_format(), text);
  return day ? [day.year(), day.month() + 1, day.date()] : null;
}"""


def download_open_items(
    ui: SaoScreens, dest_dir: Path, customer_no: str | None
) -> Path:
    """Write the open customer invoices to dest_dir/open_items.xlsx, read from
    the customer-invoice list's CSV export (`tryton_export`)."""
    from bots.adapters.erp import tryton_export

    return tryton_export.download_open_items(ui, dest_dir, customer_no)


def find_statement(ui: SaoScreens, bank_ref: str) -> PostedPayment | None:
    """The posted statement named after the bank reference, read from the
    statement list filtered to that name and the form of its first row. One left
    unfinished (draft or validated) is BusinessError `payment_unfinished`: it must
    not be entered twice, nor be taken for a posted payment."""
    step = "find_payment"
    name = bank_ref.strip()
    _close_tabs(ui, "statement_list", step)
    domain = [["name", "=", name], ["state", "!=", "cancelled"]]
    ui.goto("statements", step, domain=domain)
    rows = ui.rows(step)
    if not rows:
        _close_tabs(ui, "statement_list", step)
        return None
    ui.require(rows[0], "statement_list", "open_cell", step).dblclick()
    ui.wait_quiet(step)
    found, state = _read_statement(ui, step)
    if found.bank_ref != name or state not in COUNTED_STATES:
        raise ui.failure(
            "unexpected_screen",
            f"the statement list filtered to '{name}' opened statement "
            f"'{found.bank_ref}' in state '{state}'",
            step,
        )
    _close_tabs(ui, "statement_list", step)
    if state != "posted":
        # Saved but not posted (a crash or a refusal after Save): neither done nor
        # to be entered again - an operator checks it in Tryton.
        raise BusinessError(
            "payment_unfinished",
            f"bank reference {name} is statement {found.document} in Tryton, "
            f"still {state}: check its lines, validate and post it there, then "
            "resolve this item",
            step=step,
            details={"document": found.document, "state": state},
        )
    return found


def post_statement(ui: SaoScreens, payment: PaymentPosting, customer: Customer) -> str:
    """Enter the statement of one payment in the statement form, save, validate
    and post it; its document. Once saved, a failure leaves the draft in Tryton,
    where find_statement finds it: a payment is never entered twice."""
    step = "post_payment"
    for application in payment.applications:
        if application.discount or application.deduction:
            raise BusinessError(
                "erp_rejected",
                f"payment {payment.bank_ref}: invoice {application.invoice_number} "
                "carries a discount or deduction; the Tryton adapter posts cash "
                "only - write it off in Tryton by hand",
                step=step,
            )
    lines: list[tuple[Decimal, str | None]] = [
        (a.amount, a.invoice_number) for a in payment.applications
    ]
    rest = payment.amount - sum((a.amount for a in payment.applications), Decimal(0))
    if rest:
        lines.append((rest, None))  # on the customer's account, from its on-change
    journal = _journal(ui, payment.currency, step)

    _close_tabs(ui, "statement_list", step)
    ui.goto("statements", step)
    ui.click(ui.tab(), "toolbar", "new", step)
    tab = ui.tab()
    ui.fill_text(tab, "statement", "name", payment.bank_ref, step)
    _lookup(ui, tab, "statement", "journal", journal, journal, payment, step)
    _fill_date(ui, tab, "statement", "date", payment.value_date, step)
    ui.fill_number(tab, "statement", "total_amount", str(payment.amount), step)
    _refuse(ui, payment, "the statement header", step)
    box = ui.require(tab, "statement", "lines", step)
    # The lines are an editable list; its switch shows the line form instead,
    # whose fields are ordinary form widgets.
    ui.click(box, "statement", "lines_switch", step)
    for number, (amount, invoice) in enumerate(lines, start=1):
        _add_line(ui, box, payment, customer, number, amount, invoice, step)

    ui.click(tab, "toolbar", "save", step)
    _refuse(ui, payment, "saving", step)
    statement = _record_id(ui)
    if statement is None:
        raise ui.failure(
            "unexpected_screen",
            f"the statement of payment {payment.bank_ref} shows no record id "
            "after saving; check Tryton for a draft",
            step,
        )
    ui.click(tab, "statement", "validate", step)
    _refuse(ui, payment, "validating", step)
    _expect_state(ui, payment, "validated", step)
    ui.click(tab, "statement", "post", step)
    ui.click(ui.page, "statement_dialog", "confirm_ok", step)  # "Are you sure...?"
    _refuse(ui, payment, "posting", step)
    _expect_state(ui, payment, "posted", step)
    _close_tabs(ui, "statement_list", step)
    return _document(statement)


def _add_line(
    ui: SaoScreens,
    box: Locator,
    payment: PaymentPosting,
    customer: Customer,
    number: int,
    amount: Decimal,
    invoice: str | None,
    step: str,
) -> None:
    """One statement line through the lines' form: the amount before the party,
    whose on-change then sets the account, the invoice last (its choice is
    limited to the party's posted invoices on that account)."""
    ui.click(box, "statement", "lines_new", step)
    ui.fill_text(box, "statement_line", "number", str(number), step)
    _fill_date(ui, box, "statement_line", "date", payment.value_date, step)
    ui.fill_number(box, "statement_line", "amount", str(amount), step)
    _lookup(
        ui,
        box,
        "statement_line",
        "party",
        customer.customer_no,
        customer.name,
        payment,
        step,
    )
    if invoice is not None:
        _lookup(
            ui,
            box,
            "statement_line",
            "invoice",
            invoice,
            invoice,
            payment,
            step,
            exact=_is_invoice(invoice),
        )
    ui.fill_text(box, "statement_line", "description", payment.bank_ref, step)
    _refuse(ui, payment, f"line {number}", step)
    if not ui.value(box, "statement_line", "account", step):
        raise ui.failure(
            "unexpected_screen",
            f"line {number} of the statement of payment {payment.bank_ref} got "
            f"no account from party {customer.customer_no}",
            step,
        )


def _journal(ui: SaoScreens, currency: str, step: str) -> str:
    """The name of the first statement journal in the currency, from the
    journal list filtered to it."""
    _close_tabs(ui, "journal_list", step)
    ui.goto("statement_journals", step, domain=[["currency.code", "=", currency]])
    names = [ui.cell(row, "Name") for row in ui.rows(step)]
    _close_tabs(ui, "journal_list", step)
    names = [n for n in names if n]
    if not names:
        raise BusinessError(
            "erp_rejected",
            f"Tryton has no statement journal in {currency}",
            step=step,
        )
    return names[0]


def _read_statement(ui: SaoScreens, step: str) -> tuple[PostedPayment, str]:
    """The statement open in the active tab's form, and its state."""
    tab = ui.tab()
    name = ui.value(tab, "statement", "name", step)
    state = ui.selection(tab, "statement", "state", step)
    exact = ui.find(tab, "statement", "total_amount")
    shown = exact.first.input_value() if exact.count() else ""
    if not shown:
        shown = ui.value(tab, "statement", "total_amount_text", step)
    amount = _amount(shown)
    value_date = _shown_date(ui, ui.value(tab, "statement", "date_text", step), step)
    statement = _record_id(ui)
    if amount is None or statement is None:
        raise ui.failure(
            "unexpected_screen",
            f"statement '{name}' shows total amount '{shown}' and no readable "
            "record id",
            step,
        )
    return (
        PostedPayment(
            document=_document(statement),
            bank_ref=name,
            amount=amount,
            value_date=value_date,
        ),
        state,
    )


def _expect_state(
    ui: SaoScreens, payment: PaymentPosting, wanted: str, step: str
) -> None:
    state = ui.selection(ui.tab(), "statement", "state", step)
    if state != wanted:
        raise ui.failure(
            "unexpected_screen",
            f"the statement of payment {payment.bank_ref} is '{state}', not "
            f"'{wanted}'; its draft stays in Tryton - finish or cancel it there",
            step,
        )


def _refuse(ui: SaoScreens, payment: PaymentPosting, what: str, step: str) -> None:
    """A Tryton error (a dialog or a red info bar) is the ERP's refusal."""
    message = ui.dialog_message()
    if message:
        _dismiss(ui, step)
    else:
        bar = ui.info_bar()
        if bar is None or bar[0] not in ("danger", "warning"):
            return
        message = bar[1]
    raise BusinessError(
        "erp_rejected",
        f"Tryton refused {what} of the statement of payment {payment.bank_ref}: "
        f"{' '.join(message.split())[:300]}",
        step=step,
        details={"bank_ref": payment.bank_ref},
    )


def _lookup(
    ui: SaoScreens,
    root: Locator,
    screen: str,
    element: str,
    typed: str,
    wanted: str,
    payment: PaymentPosting,
    step: str,
    exact: Callable[[str], bool] | None = None,
) -> None:
    """A lookup field, chosen and read back (a suggestion matches by substring)."""
    if not ui.choose(root, screen, element, typed, wanted, step):
        raise BusinessError(
            "erp_rejected",
            f"payment {payment.bank_ref}: Tryton offers no {element} '{wanted}' "
            "for the statement",
            step=step,
        )
    shown = ui.value(root, screen, element, step).strip()
    if not (exact(shown) if exact else shown == wanted):
        raise ui.failure(
            "unexpected_screen",
            f"the {element} field of the statement of payment {payment.bank_ref} "
            f"shows '{shown}' after choosing '{wanted}'",
            step,
        )


def _is_invoice(number: str) -> Callable[[str], bool]:
    """An invoice shows as "NUMBER [REFERENCE]"; the reference may be another
    invoice's number, so a suggestion holding the number may be the wrong one."""
    return lambda shown: shown == number or shown.startswith(number + " ")


def _fill_date(
    ui: SaoScreens, root: Locator, screen: str, element: str, value: date, step: str
) -> None:
    """A date field through its calendar input, which takes ISO dates whatever
    the user's date format; the text input is read back."""
    ui.require(root, screen, element, step).fill(value.isoformat())
    ui.wait_quiet(step)
    shown = ui.value(root, screen, f"{element}_text", step)
    if _shown_date(ui, shown, step) != value:
        raise ui.failure(
            "unexpected_screen",
            f"the {screen} date shows '{shown}' after entering {value}",
            step,
        )


def _shown_date(ui: SaoScreens, text: str, step: str) -> date | None:
    """A date as the client shows it, in the user's date format."""
    if not text.strip():
        return None
    try:
        year, month, day = ui.page.evaluate(PARSE_DATE_JS, text.strip())
        return date(year, month, day)
    except (PlaywrightError, ValueError, TypeError):
        raise ui.failure(
            "unexpected_screen", f"the date '{text}' cannot be read", step
        ) from None


def _amount(text: str) -> Decimal | None:
    """An amount as shown: the exact number input ('5383.32') or the formatted
    text of an English locale ('€ 1,234.56')."""
    digits = re.sub(r"[^\d.\-]", "", text.replace(",", ""))
    try:
        return Decimal(digits) if digits else None
    except ArithmeticError:
        return None


def _record_id(ui: SaoScreens) -> int | None:
    """The id of the record open in the form: sao's URL carries it
    (#DB/model/account.statement/ID;...)."""
    path = ui.sel.path("statements", database=ui.database).split("#", 1)[-1]
    found = re.search(re.escape(path) + r"/(\d+)(?:[;?&]|$)", ui.page.url)
    return int(found.group(1)) if found else None


def _close_tabs(ui: SaoScreens, screen: str, step: str) -> None:
    """Close the tabs of a screen: sao shows an open tab again, unreloaded, when
    the same list is opened twice. Unsaved changes of a failed entry are
    discarded (nothing of it was saved)."""
    _dismiss(ui, step)
    for _ in range(MAX_TABS):
        close = ui.find(ui.page, screen, "close_tab")
        if not close.count():
            return
        close.first.click()
        ui.wait_quiet(step)
        discard = ui.find(ui.page, "statement_dialog", "discard")
        if discard.count() and discard.first.is_visible():
            discard.first.click()
            ui.wait_quiet(step)
    raise ui.failure(
        "unexpected_screen", f"the '{screen}' tabs of Tryton do not close", step
    )


def _dismiss(ui: SaoScreens, step: str) -> None:
    """Close open message, warning and error dialogs (answering no to a
    question), so that they do not block the next screen."""
    for _ in range(5):
        button = ui.find(ui.page, "statement_dialog", "dismiss")
        if not (button.count() and button.first.is_visible()):
            return
        button.first.click()
        ui.wait_quiet(step)


def _document(statement_id: int) -> str:
    return f"STMT-{statement_id}"
