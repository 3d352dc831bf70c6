"""Reading the values the sandbox ERP shows (pure functions)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bots.adapters.erp.values import day, money, timestamp
from bots.errors import TechnicalError


def test_money_reads_thousands_separators_and_blanks() -> None:
    assert money("1,234.50") == Decimal("1234.50")
    assert money(" -12.00 ") == Decimal("-12.00")
    assert money("") == money(None) == Decimal(0)
    with pytest.raises(TechnicalError) as caught:
        money("12,3O.00")
    assert caught.value.code == "unreadable_value"


def test_dates_and_timestamps() -> None:
    assert day("2026-12-03") == date(2026, 12, 3)
    assert day("") is None and day("03.12.2026") is None
    assert timestamp("2026-12-03T10:15:00") == datetime(2026, 12, 3, 10, 15, tzinfo=UTC)
    aware = timestamp("2026-12-03T10:15:00+01:00")
    assert aware is not None and aware.utcoffset() is not None
    assert aware.hour == 10
    assert timestamp("yesterday") is None
