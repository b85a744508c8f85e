import pytest


@pytest.fixture
def coordinator(cast, client):
    """The cast, with the client logged in as its coordinator."""
    client.force_login(cast.coordinator)
    return cast
