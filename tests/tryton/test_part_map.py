"""The `erp.part_map` CSV: customers' part numbers mapped to Tryton product codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.adapters.erp.tryton import read_part_map
from bots.errors import ConfigError
from sandbox import seed
from sandbox.tryton.server import write_part_map


def test_the_written_map_reads_back_as_the_seed(tmp_path: Path) -> None:
    path = tmp_path / "part-map.csv"
    write_part_map(path)
    mapping = read_part_map(path)
    for ref in seed.cross_references()[:50]:
        assert mapping[ref.customer_no][ref.customer_part] == (ref.item_no, ref.price)


def test_no_map_means_no_part_numbers() -> None:
    assert read_part_map(None) == {}


def test_a_price_is_optional(tmp_path: Path) -> None:
    path = tmp_path / "map.csv"
    path.write_text("customer_no,customer_part,item_no\nc1001,AB-1,ITM-1001\n")
    assert read_part_map(path) == {"C1001": {"AB-1": ("ITM-1001", None)}}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("customer_no,customer_part,item_no\nC1001,,ITM-1\n", "line 2 lacks"),
        (
            "customer_no,customer_part,item_no,price\nC1001,A,ITM-1,cheap\n",
            "'cheap' is not a number",
        ),
    ],
)
def test_a_bad_line_names_the_file_and_line(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "map.csv"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        read_part_map(path)
    assert problem in caught.value.message and "map.csv" in caught.value.message


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        read_part_map(tmp_path / "nowhere.csv")
    assert caught.value.key == "erp.part_map"
