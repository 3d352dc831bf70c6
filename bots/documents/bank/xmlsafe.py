"""Safe XML parsing for bank files: no DTDs, no entity expansion, no network.

Bank notifications arrive from outside; an XML file with a DOCTYPE (the vehicle of
entity-expansion bombs and external-entity reads) is refused outright, and the
parser itself never expands entities or fetches anything.
"""

from __future__ import annotations

import logging
import re

from lxml import etree

from bots.errors import DocumentError

log = logging.getLogger(__name__)

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, source: str) -> etree._Element:
    """Parse `data` and return the root element, or raise a `DocumentError`."""
    if _DOCTYPE.search(data[:65536]) or _DOCTYPE.search(data):
        raise DocumentError(
            source, "xml_dtd", "XML with a DOCTYPE or entity declarations is refused"
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise DocumentError(
            source, "xml_syntax", f"not well-formed XML ({exc})"
        ) from exc
    if root is None:
        raise DocumentError(source, "xml_empty", "the XML document is empty")
    return root


def local_name(element: etree._Element) -> str:
    """The tag without its namespace."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]
