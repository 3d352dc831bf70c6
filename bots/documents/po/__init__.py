"""The purchase order reader: a PDF, XLSX or CSV file in, a checked `PurchaseOrder` out.

Customer templates (YAML) read layouts they know exactly; the generic layout reader
reads any other layout from pdfplumber's words and positions. `validate` re-checks a
purchase order after an operator corrected it on a work item.
"""

from bots.documents.po.models import OrderLine, Party, PurchaseOrder
from bots.documents.po.reader import read_purchase_order
from bots.documents.po.validation import assess, validate

__all__ = [
    "OrderLine",
    "Party",
    "PurchaseOrder",
    "assess",
    "read_purchase_order",
    "validate",
]
