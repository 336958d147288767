"""pytest plugin: the ``alicloud_fake`` fixture, an empty FakeCloud running for one test.

    def test_disks(alicloud_fake):
        alicloud_fake.load("state.json")
        ...  # real SDK clients created here hit the fake
"""

import pytest

from .mock import FakeCloud


@pytest.fixture
def alicloud_fake():
    with FakeCloud() as cloud:
        yield cloud
