"""selectors/sandbox-erp.yaml names only ids and classes the ERP's templates render
through `sid()`, so the adapter's locators and the screens cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "sandbox" / "erp" / "templates"
TOKEN = re.compile(r"[#.]([A-Za-z][\w-]*)")


def _rendered_names() -> set[str]:
    names: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        names.update(re.findall(r"sid\('([\w-]+)'\)", text))
        # the field() and button() macros pass the id as their second argument
        names.update(re.findall(r"(?:field|button)\('[^']*', '([\w-]+)'", text))
    # ids built from a prefix in _order_head.html, and the chaos modal's own ids
    names.update(
        {
            "draft-header",
            "dh-customer",
            "dh-customer-po",
            "rv-customer",
            "rv-customer-po",
            "sysmsg",
            "sysmsg-ok",
        }
    )
    return names


def test_every_selector_names_a_rendered_id_or_class() -> None:
    data = yaml.safe_load((ROOT / "selectors" / "sandbox-erp.yaml").read_text())
    rendered = _rendered_names()
    missing = []
    for screen, elements in data["screens"].items():
        for element, selector in elements.items():
            assert isinstance(selector, str), f"{screen}.{element} is not a string"
            for token in TOKEN.findall(re.sub(r"\[[^\]]*\]", "", selector)):
                if token not in rendered:
                    missing.append(f"{screen}.{element}: {token}")
    assert missing == []


def test_every_path_is_a_route_of_the_app(tmp_path: Path) -> None:
    from sandbox.chaos import Chaos
    from sandbox.erp.app import create_app

    data = yaml.safe_load((ROOT / "selectors" / "sandbox-erp.yaml").read_text())
    routes = create_app(tmp_path / "erp.sqlite", Chaos()).url_map.bind("127.0.0.1")
    samples = {
        "draft_id": "1",
        "so_number": "SO-100001",
        "customer_no": "C1001",
        "document": "PAY-2026-000001",
    }
    for screen, path in data["paths"].items():
        concrete = path.split("?")[0].format(**samples)
        endpoint, _args = routes.match(concrete, method="GET")
        assert endpoint, screen
