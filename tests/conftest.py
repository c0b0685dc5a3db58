import pytest

pytest_plugins = ["tests.emulator.fixtures", "tests.delivery_servers"]


@pytest.fixture
def demo_app_env(tmp_path, monkeypatch):
    """A private demo store for one test's app, and no cache carried over from another test."""
    from tests.apptest import clear_caches

    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path / "rally-data"))
    monkeypatch.delenv("SHEETS_EMULATOR_HOST", raising=False)
    clear_caches()
    yield tmp_path / "rally-data"
    clear_caches()


@pytest.fixture(scope="module")
def module_demo_env(tmp_path_factory):
    """One private demo store for a whole test module's read-only page tests (seeding one per test costs a second each)."""
    from tests.apptest import clear_caches

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("RALLY_DATA_DIR", str(tmp_path_factory.mktemp("rally-data")))
        patch.delenv("SHEETS_EMULATOR_HOST", raising=False)
        clear_caches()
        yield
        clear_caches()
