"""Logging in to Tryton: a wrong password is `login_failed`, not a hang; no
password reaches the artifacts."""

from __future__ import annotations

import pytest

from bots.adapters.erp.tryton import TrytonErp
from bots.config import Settings
from bots.errors import SystemUnavailable

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1800)]


def test_a_wrong_password_is_login_failed(
    tryton_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = tryton_settings.model_copy()
    monkeypatch.setattr(
        type(wrong), "secret", lambda self, key: "not-the-password-42", raising=True
    )
    erp = TrytonErp(wrong)
    with pytest.raises(SystemUnavailable) as caught:
        erp.open()
    assert caught.value.code == "login_failed"
    assert "robot" in caught.value.message
    for path in tryton_settings.home.rglob("*"):
        if path.is_file():
            assert b"not-the-password-42" not in path.read_bytes()
