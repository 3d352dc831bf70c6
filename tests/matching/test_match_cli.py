"""`o2c match` as a user runs it: JSON on stdout, one clear line for a bad file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bots.cli import main

ROOT = Path(__file__).resolve().parents[2]
LEDGER = """invoice_number;customer_id;customer_name;invoice_date;due_date;currency;amount;open_amount
INV-2026-000102;C1;Nordwind Logistik Hamburg GmbH;2026-10-01;2026-10-31;EUR;250,50;250,50
INV-2026-000103;C1;Nordwind Logistik Hamburg GmbH;2026-10-01;2026-10-31;EUR;410,20;410,20
INV-2026-000201;C2;Acme Industries Inc.;01.10.2026;31.10.2026;EUR;777,77;777,77
"""
BAI2 = """01,BANKUS33,ACME,261130,0600,1,80,,2/
02,ACME,BANKUS33,1,261130,,EUR,2/
03,12345678,EUR,010,0,,,015,102827,,/
16,195,25050,0,BANK-1,E2E-1/
88,ORIG CO NAME:NORDWIND LOGISTIK HAMB ORIG ID:1
88,RE 2026 000102
16,195,77777,0,BANK-2,/
88,ORIG CO NAME:Zephyr Capital ORIG ID:2
88,payment
49,102827,7/
98,102827,1,9/
99,102827,1,11/
"""


def _o2c(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bots", *args],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def _files(tmp_path: Path) -> tuple[Path, Path]:
    ledger = tmp_path / "open.csv"
    ledger.write_text(LEDGER, encoding="utf-8")
    bank = tmp_path / "bank.bai2"
    bank.write_text(BAI2, encoding="utf-8")
    return ledger, bank


def test_match_json_has_payments_and_summary(tmp_path: Path) -> None:
    ledger, bank = _files(tmp_path)
    done = _o2c(
        "match",
        "--invoices",
        str(ledger),
        "--remittance",
        str(bank),
        "--json",
        "--today",
        "2026-11-30",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    first, second = data["payments"]
    assert first["payment_id"] == "BANK-1"
    assert first["status"] == "matched"
    assert first["customer_id"] == "C1"
    assert first["applications"] == [
        {
            "invoice_number": "INV-2026-000102",
            "amount": "250.50",
            "discount": "0.00",
            "deduction": "0.00",
            "deduction_code": "",
        }
    ]
    assert second["status"] == "unmatched"
    assert second["applications"] == []
    assert second["candidates"][0]["applications"][0]["invoice_number"] == (
        "INV-2026-000201"
    )
    assert data["summary"]["payments"] == 2
    assert data["summary"]["matched"] == 1


def test_match_table_for_people(tmp_path: Path) -> None:
    ledger, bank = _files(tmp_path)
    done = CliRunner().invoke(
        main,
        [
            "match",
            "--invoices",
            str(ledger),
            "--remittance",
            str(bank),
            "--today",
            "2026-11-30",
        ],
    )
    assert done.exit_code == 0, done.output
    assert "BANK-1" in done.stdout
    assert "1 matched" in done.stdout


def test_bad_remittance_file_gives_one_line_and_no_traceback(tmp_path: Path) -> None:
    ledger, _ = _files(tmp_path)
    wrong = ROOT / "tests" / "realworld" / "camt" / "camt053.v2.wrong.xml"
    done = _o2c(
        "match", "--invoices", str(ledger), "--remittance", str(wrong), "--json"
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "camt053.v2.wrong.xml" in lines[0]
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_missing_invoice_file_gives_one_line(tmp_path: Path) -> None:
    _, bank = _files(tmp_path)
    done = CliRunner().invoke(
        main,
        ["match", "--invoices", str(tmp_path / "none.xlsx"), "--remittance", str(bank)],
    )
    assert done.exit_code == 1
    assert len(done.stderr.strip().splitlines()) == 1
    assert "none.xlsx" in done.stderr
    assert done.exception is None or isinstance(done.exception, SystemExit)
