"""ERP adapters: `open_erp(settings)` returns the adapter for `settings.erp.kind`.

Bots call the returned `ErpAdapter` (see `base.py`) and never touch the ERP's screens
themselves.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from bots.adapters.erp.base import (
    Address,
    Contact,
    Customer,
    ErpAdapter,
    ItemRef,
    OrderEntry,
    OrderHeader,
    OrderLine,
    OrderRef,
    OrderStatus,
    OrderStatusLine,
    PaymentApplication,
    PaymentPosting,
    PostedPayment,
)
from bots.errors import ConfigError

if TYPE_CHECKING:
    from bots.config import Settings

log = logging.getLogger(__name__)

__all__ = [
    "Address",
    "Contact",
    "Customer",
    "ErpAdapter",
    "ItemRef",
    "OrderEntry",
    "OrderHeader",
    "OrderLine",
    "OrderRef",
    "OrderStatus",
    "OrderStatusLine",
    "PaymentApplication",
    "PaymentPosting",
    "PostedPayment",
    "open_erp",
]


def open_erp(settings: Settings, run_dir: Path | None = None) -> ErpAdapter:
    """The ERP adapter for `settings.erp.kind`, not yet opened (call `open()` or use
    it as a context manager). `run_dir` receives the browser trace and the evidence
    of failures; None keeps them under the artifacts folder."""
    kind = settings.erp.kind
    if kind == "sandbox":
        from bots.adapters.erp.sandbox import SandboxErp

        return SandboxErp(settings, run_dir=run_dir)
    if kind == "tryton":
        try:
            from bots.adapters.erp.tryton import TrytonErp  # type: ignore
        except ImportError as exc:
            raise ConfigError(
                "erp.kind",
                "the Tryton adapter is not part of this version",
                "use 'sandbox'",
            ) from exc
        return TrytonErp(settings, run_dir=run_dir)
    raise ConfigError("erp.kind", f"unknown ERP kind '{kind}'", "use 'sandbox'")
