import pytest

from .helpers import History


@pytest.fixture
def history(api):
    return History(api)
