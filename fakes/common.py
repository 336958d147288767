"""Small helpers the product modules share."""


def strip(item: dict, detail_keys: tuple[str, ...]) -> dict:
    """The item as its list call returns it: without the detail sub-documents."""
    return {k: v for k, v in item.items() if k not in detail_keys}


def find(items: list[dict], key: str, value: str) -> dict | None:
    for item in items:
        if item.get(key) == value:
            return item
    return None
