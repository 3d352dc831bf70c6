"""Render customer mails from Jinja2 templates.

Each mail kind has three files a person can edit: `KIND.subject.txt`, `KIND.txt` (the
text part) and `KIND.html` (the HTML part, autoescaped). The shipped ones live beside
this module; a folder `templates/` in `$O2C_HOME` overrides them file by file.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from jinja2 import TemplateError

from bots.errors import ConfigError

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parent / "templates"
KINDS = (
    "order_confirmation",
    "shipment_notice",
    "delay_notice",
    "crisis_notice",
    "payment_reminder",
)


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def money(value: Decimal | str, currency: str = "") -> str:
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{amount:,.2f}"
    return f"{text} {currency}".strip()


def _environment(home: Path | None) -> Environment:
    loaders = []
    if home and (home / "templates").is_dir():
        loaders.append(FileSystemLoader(home / "templates"))
    loaders.append(FileSystemLoader(SHIPPED))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=lambda name: bool(name and name.endswith(".html")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["money"] = money
    return env


def render_mail(
    kind: str, context: dict[str, Any], home: Path | None = None
) -> RenderedMail:
    """Render one mail kind; ConfigError naming the template when it is broken."""
    if kind not in KINDS:
        raise ConfigError(
            "template", f"unknown mail kind '{kind}'", f"use one of {KINDS}"
        )
    env = _environment(home)
    parts = {}
    for part, name in (
        ("subject", f"{kind}.subject.txt"),
        ("text", f"{kind}.txt"),
        ("html", f"{kind}.html"),
    ):
        try:
            parts[part] = env.get_template(name).render(**context)
        except TemplateError as exc:
            raise ConfigError(
                f"templates/{name}",
                str(exc),
                "correct the template or remove it to use the shipped one",
            ) from exc
    subject = " ".join(parts["subject"].split())
    return RenderedMail(subject=subject, text=parts["text"], html=parts["html"])
