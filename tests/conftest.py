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


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster (Debian's server) for this test process, removed at the end."""
    from tests.postgres import throwaway_cluster

    with throwaway_cluster() as cluster:
        yield cluster


@pytest.fixture
def state_url(postgres, request) -> str:
    """A fresh, empty database in the session's cluster, as the `state` URL a fleet would be given."""
    import re
    import uuid

    name = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:40] + "_" + uuid.uuid4().hex[:6]
    return postgres.database(name)
