"""The bots of the suite. Each is a `bots.runtime.bot.Bot` in its own module; this
registry maps the name used on the command line and in schedules to its class."""

from __future__ import annotations

import importlib

from bots.errors import ConfigError

BOTS: dict[str, str] = {
    "order-intake": "bots.flows.order_intake:OrderIntakeBot",
    "cash-application": "bots.flows.cash_application:CashApplicationBot",
    "status-updates": "bots.flows.status_updates:StatusUpdatesBot",
    "payment-reminders": "bots.flows.payment_reminders:PaymentRemindersBot",
}


def bot_class(name: str) -> type:
    """The class of the bot called `name`; ConfigError for an unknown name."""
    target = BOTS.get(name)
    if target is None:
        raise ConfigError(
            "bot", f"there is no bot called '{name}'", f"use one of {', '.join(BOTS)}"
        )
    module_name, _, class_name = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)
