"""Parsing XML from other tools without trusting it.

Files from the web or a colleague may carry entity bombs ("billion laughs"), external
entities that read local files or the network, or simply another format's namespace. The
parser resolves no entities, loads no DTD, never touches the network and keeps lxml's
size limits (``huge_tree`` off); any document with a DOCTYPE is refused outright, since
none of the formats read here uses one.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree


class ExchangeError(ValueError):
    """A file that cannot be imported; the message is one line for the user."""


MAX_XML_BYTES = 64 * 1024 * 1024


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse(data: bytes, name: str, namespaces: tuple[str, ...] = ()) -> etree._Element:
    """The root element of ``data``; refuses DTDs, entities and unexpected root namespaces."""
    if len(data) > MAX_XML_BYTES:
        raise ExchangeError(f"{name}: larger than {MAX_XML_BYTES // 2**20} MB; refused")
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise ExchangeError(f"{name}: has a DOCTYPE or entity declarations, which are refused (XML entity attacks)")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ExchangeError(f"{name}: not well-formed XML ({exc.msg})") from None
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ExchangeError(f"{name}: has a DOCTYPE, which is refused (XML entity attacks)")
    if namespaces and etree.QName(root).namespace not in namespaces:
        found = etree.QName(root).namespace or "no namespace"
        raise ExchangeError(f"{name}: root element is in {found}, expected {' or '.join(namespaces)}")
    return root


def read(path: Path, namespaces: tuple[str, ...] = ()) -> etree._Element:
    try:
        if path.stat().st_size > MAX_XML_BYTES:
            raise ExchangeError(f"{path.name}: larger than {MAX_XML_BYTES // 2**20} MB; refused")
        data = path.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"{path}: cannot be read ({exc.strerror})") from None
    return parse(data, path.name, namespaces)


def namespace(root: etree._Element) -> str:
    return etree.QName(root).namespace or ""
