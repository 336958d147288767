"""A stateful fake of the Alibaba Cloud APIs that aliaudit reads.

It serves a snapshot (the same document the collectors write) through the real
wire protocols, so the official SDKs run unmodified against it: in process
through `responses` (:class:`FakeCloud`), or over HTTP (``aliaudit fake serve``).
"""

from .state import FakeState, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET
from .mock import FakeCloud

__all__ = ["FakeCloud", "FakeState", "DEFAULT_ACCESS_KEY_ID", "DEFAULT_ACCESS_KEY_SECRET"]
