"""The list faults of faults.py: the body faults (they change a 200 answer) and the page faults
(the list handlers serve them, see `page`)."""

from __future__ import annotations

import copy
import json
from xml.etree import ElementTree

UNEXPECTED = "unexpected"


def page(fault, items: list, cont: str, *, request_cont: str | None, after_page: str) -> tuple[list, str]:
    """One page of a list under a page fault: (items, continuation; "" ends the list).

    cont is the real continuation; after_page continues right after this page (even after the last one),
    request_cont is what the request sent. Without a page fault, the page is served as it is."""
    kind = fault.kind if fault is not None else None
    if kind in ("short_page", "empty_page") and items:
        return (items[:-1] if kind == "short_page" else []), after_page
    if kind == "repeat_token":
        return items, request_cont or after_page
    return items, cont


def page_number(fault, items: list) -> list:
    """A PageNumber page under short_page / empty_page (the total stays what it is)."""
    kind = fault.kind if fault is not None else None
    if kind in ("short_page", "empty_page") and items:
        return items[:-1] if kind == "short_page" else []
    return items


# -- JSON ----------------------------------------------------------------------------------------------

def _json_list(doc, path: str | None):
    """(parent, key) of the list to spoil: the one at path, or the shallowest list of objects (or empty list)."""
    if path:
        *parents, key = path.split(".")
        node = doc
        for p in parents:
            node = node.get(p) if isinstance(node, dict) else None
        return (node, key) if isinstance(node, dict) and key in node else (None, None)
    level = [doc]
    while level:
        nxt = []
        for node in level:
            for key, value in node.items():
                if isinstance(value, list) and all(isinstance(v, dict) for v in value):
                    return node, key
                if isinstance(value, dict):
                    nxt.append(value)
        level = nxt
    return None, None


def mangle_json(body: bytes, kind: str, path: str | None, field: str | None) -> bytes:
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    parent, key = _json_list(doc, path) if isinstance(doc, dict) else (None, None)
    if parent is None:
        return body
    items = parent[key]
    if kind == "duplicate_item":
        if isinstance(items, list) and items:
            items.append(copy.deepcopy(items[0]))
    elif field is None:
        if kind == "missing_field":
            del parent[key]
        else:
            parent[key] = None if kind == "null_field" else UNEXPECTED
    else:
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict) and kind == "missing_field":
                item.pop(field, None)
            elif isinstance(item, dict):
                item[field] = None if kind == "null_field" else {UNEXPECTED: "object"}
    return json.dumps(doc).encode()


# -- XML -----------------------------------------------------------------------------------------------

def _xml_list(root, path: str | None):
    if path:
        parent = root
        *parents, key = path.split(".")
        for p in parents:
            parent = parent.find(p) if parent is not None else None
        found = parent.find(key) if parent is not None else None
        return parent, found
    for child in root:
        if len({c.tag for c in child}) == 1:
            return root, child
    return None, None


def mangle_xml(body: bytes, kind: str, path: str | None, field: str | None) -> bytes:
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return body
    parent, container = _xml_list(root, path)
    if container is None:
        return body
    if kind == "duplicate_item":
        if len(container):
            container.append(copy.deepcopy(container[0]))
    elif field is None:
        if kind == "missing_field":
            parent.remove(container)
        else:
            for child in list(container):
                container.remove(child)
            container.text = None if kind == "null_field" else UNEXPECTED
    else:
        for item in container:
            element = item.find(field)
            if element is None:
                continue
            if kind == "missing_field":
                item.remove(element)
            elif kind == "null_field":
                element.text = None
            else:
                element.text = None
                ElementTree.SubElement(element, "Unexpected").text = "object"
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode").encode()
