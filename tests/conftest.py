import pytest

pytest_plugins = ["tests.emulator.fixtures"]


@pytest.fixture
def demo_app_env(tmp_path, monkeypatch):
    """A private demo store for one test's app, and no cache carried over from another test."""
    from tests.apptest import clear_caches

    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path / "rally-data"))
    monkeypatch.delenv("SHEETS_EMULATOR_HOST", raising=False)
    clear_caches()
    yield tmp_path / "rally-data"
    clear_caches()
