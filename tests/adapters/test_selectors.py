"""Selector files: loading, validation errors that name the file and key, lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.adapters import selectors
from bots.config import PROJECT_ROOT
from bots.errors import ConfigError


def _write(folder: Path, text: str, name: str = "sys.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_get_with_fallbacks_placeholders_and_paths(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
screens:
  login:
    submit: ["#login-button", "button[type=submit]"]
    user: "#username"
  apply:
    row: "tr[data-invoice='{invoice}']"
paths:
  detail: "/orders/{so_number}"
""",
    )
    sel = selectors.load_file(path)
    assert sel.name == "sys"
    assert sel.get("login", "user") == "#username"
    assert sel.candidates("login", "submit") == ["#login-button", "button[type=submit]"]
    assert sel.get("login", "submit") == "#login-button, button[type=submit]"
    assert sel.get("apply", "row", invoice="INV-1") == "tr[data-invoice='INV-1']"
    assert sel.path("detail", so_number="SO-1") == "/orders/SO-1"
    assert sel.has("login", "user") and not sel.has("login", "nope")


def test_missing_key_is_a_config_error_naming_file_and_key(tmp_path: Path) -> None:
    sel = selectors.load_file(_write(tmp_path, "screens:\n  login:\n    user: '#u'\n"))
    with pytest.raises(ConfigError) as caught:
        sel.get("login", "password")
    assert "sys.yaml: screens.login.password" in caught.value.message
    with pytest.raises(ConfigError) as caught:
        sel.get("nowhere", "user")
    assert "screens.nowhere.user" in caught.value.message
    with pytest.raises(ConfigError) as caught:
        sel.path("login")
    assert "paths.login" in caught.value.message


def test_missing_placeholder_value_is_named(tmp_path: Path) -> None:
    sel = selectors.load_file(_write(tmp_path, "screens:\n  a:\n    row: 'tr#{id}'\n"))
    with pytest.raises(ConfigError) as caught:
        sel.get("a", "row")
    assert "screens.a.row" in caught.value.message and "'id'" in caught.value.message


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("screens: [1, 2]\n", "sys.yaml: screens", "non-empty mapping"),
        ("other: {}\n", "sys.yaml: screens", "non-empty mapping"),
        ("screens:\n  login: '#x'\n", "sys.yaml: screens.login", "mapping"),
        ("screens:\n  login:\n    user: 12\n", "screens.login.user", "CSS selector"),
        ("screens:\n  login:\n    user: ''\n", "screens.login.user", "CSS selector"),
        ("screens:\n  login:\n    user: []\n", "screens.login.user", "empty"),
        ("screens:\n  a:\n    b: 'x{'\n", "screens.a.b", "placeholder"),
        ("screens:\n  a:\n    b: x\npaths:\n  a: 'rel'\n", "paths.a", "'/'"),
        ("- just a list\n", "sys.yaml", "mapping"),
        ("screens: {a: [\n", "sys.yaml", "not valid YAML at line"),
    ],
)
def test_bad_files_are_refused_with_the_key(
    tmp_path: Path, text: str, key: str, problem: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        selectors.load_file(path)
    assert key in caught.value.message
    assert problem in caught.value.message
    assert "\n" not in caught.value.message


def test_load_all_checks_every_file_and_the_shipped_ones_load(tmp_path: Path) -> None:
    shipped = selectors.load_all(PROJECT_ROOT / "selectors")
    assert "sandbox-erp" in shipped
    erp = shipped["sandbox-erp"]
    for screen, element in [
        ("login", "password"),
        ("order_header", "customer_po"),
        ("cash_apply", "apply_input"),
        ("common", "system_message_ok"),
    ]:
        assert erp.get(screen, element, invoice="INV-1")
    _write(tmp_path, "screens:\n  a:\n    b: '#b'\n", "good.yaml")
    _write(tmp_path, "screens:\n  a:\n    b: 5\n", "bad.yml")
    with pytest.raises(ConfigError) as caught:
        selectors.load_all(tmp_path)
    assert "bad.yml: screens.a.b" in caught.value.message


def test_load_by_name_from_settings(o2c_home: Path) -> None:
    from bots.config import load_settings

    settings = load_settings()
    assert selectors.load(settings, "sandbox-erp").name == "sandbox-erp"
    with pytest.raises(ConfigError) as caught:
        selectors.load(settings, "no-such-system")
    assert "no-such-system.yaml" in caught.value.message
