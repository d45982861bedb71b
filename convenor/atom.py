"""XML-safe text and Atom 1.0 (RFC 4287) elements, for every feed and XML export.

Used by the programme's changelog feed (``programmes.changelog``), its frab XML
(``programmes.exports``) and the actions register's updates feed
(``plans.register_export``).

ElementTree escapes every text and attribute; what it cannot do is drop the characters
XML 1.0 cannot hold at all (most control characters, lone surrogates), which hostile
titles and names may carry. ``xml_text`` does, and ``add`` applies it to everything it
writes.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot hold (kept out of the XML; JSON escapes them).
NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (control characters)."""
    return NOT_XML.sub("", text)


def feed() -> ET.Element:
    """An empty Atom <feed> (the Atom namespace as the default one)."""
    ET.register_namespace("", ATOM)
    return ET.Element(f"{{{ATOM}}}feed")


def add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    """A child Atom element of ``parent`` with XML-safe text and attributes."""
    element = ET.SubElement(
        parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attributes.items()}
    )
    if text:
        element.text = xml_text(text)
    return element
