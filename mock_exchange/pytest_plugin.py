"""pytest fixtures for testing a Bitget client against the mock (installed as a pytest plugin).

    def test_my_bot(bitget_mock):                      # a running mock, reset before each test
        client = MyClient(base_url=bitget_mock.url, **bitget_mock.credentials)

Override `bitget_mock_config` in your conftest.py to change the server's settings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from .app import MockExchange, create_app
from .config import Config
from .server import ServerThread


@dataclass
class RunningMock:
    app: MockExchange
    url: str
    host: str
    port: int

    @property
    def credentials(self) -> dict[str, str]:
        """api_key / secret_key / passphrase of the first seeded key."""
        key = self.app.services.exchange.account_seeds[0].keys[0]
        return {"api_key": key.api_key, "secret_key": key.secret or "", "passphrase": key.passphrase}

    @property
    def uid(self) -> str:
        return self.app.services.exchange.account_seeds[0].uid

    def reset(self) -> None:
        self.app.services.reset()


@pytest.fixture(scope="session")
def bitget_mock_config() -> Config:
    """Override in conftest.py to start the mock with other settings."""
    return Config(port=0)


@pytest.fixture(scope="session")
def bitget_mock_server(bitget_mock_config: Config) -> Iterator[RunningMock]:
    app = create_app(bitget_mock_config)
    with ServerThread(app, bitget_mock_config.host, bitget_mock_config.port) as srv:
        yield RunningMock(app, srv.url, srv.host, srv.port)


@pytest.fixture
def bitget_mock(bitget_mock_server: RunningMock) -> RunningMock:
    """The session's running mock, reset to its seeded state before the test."""
    bitget_mock_server.reset()
    return bitget_mock_server
