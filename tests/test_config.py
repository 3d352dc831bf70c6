"""Settings: sources, validation messages, secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bots.cli import main
from bots.config import load_settings
from bots.errors import ConfigError


def test_empty_home_works_with_shipped_defaults(o2c_home: Path) -> None:
    settings = load_settings()
    assert settings.home == o2c_home
    assert settings.effective_database_url == f"sqlite:///{o2c_home / 'o2c.sqlite'}"
    assert settings.selectors_dir.name == "selectors"
    assert settings.erp.url == "http://127.0.0.1:8801"


def test_toml_then_environment(o2c_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (o2c_home / "o2c.toml").write_text('[imap]\nport = 9143\nfolder = "PO"\n')
    assert load_settings().imap.port == 9143
    monkeypatch.setenv("O2C_IMAP__PORT", "9999")
    settings = load_settings()
    assert settings.imap.port == 9999
    assert settings.imap.folder == "PO"


def test_bad_value_names_key_and_fix(o2c_home: Path) -> None:
    (o2c_home / "o2c.toml").write_text("[runtime]\nmax_attempts = 0\n")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.key == "runtime.max_attempts"
    assert "Fix:" in str(caught.value)


def test_unknown_key_is_refused(o2c_home: Path) -> None:
    (o2c_home / "o2c.toml").write_text("[imap]\nprot = 1\n")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.key == "imap.prot"


def test_password_in_file_is_refused(o2c_home: Path) -> None:
    (o2c_home / "o2c.toml").write_text('[erp]\npassword = "hunter2"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.key == "erp.password"
    assert "O2C_ERP__PASSWORD" in str(caught.value)


def test_plain_imap_only_on_loopback(o2c_home: Path) -> None:
    (o2c_home / "o2c.toml").write_text('[imap]\nhost = "mail.example.com"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.key == "imap.security"


def test_missing_secret_explains_how_to_set_it(o2c_home: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings().secret("erp.password")
    assert "O2C_ERP__PASSWORD" in str(caught.value)


def test_config_show_masks_secrets(o2c_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("O2C_ERP__PASSWORD", "s3cr3t-value")
    monkeypatch.setenv("O2C_DATABASE_URL", "postgresql://bot:dbpass@127.0.0.1/o2c")
    result = CliRunner().invoke(main, ["config", "show", "--json"])
    assert result.exit_code == 0, result.output
    assert "s3cr3t-value" not in result.output
    assert "dbpass" not in result.output
    data = json.loads(result.output)
    assert data["erp"]["password"] == "********"
    assert data["imap"]["password"] == "(not set)"


def test_config_error_exit_code(o2c_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("O2C_IMAP__PORT", "not-a-port")
    result = CliRunner().invoke(main, ["config", "show"])
    assert result.exit_code == 2
    assert "imap.port" in result.output
