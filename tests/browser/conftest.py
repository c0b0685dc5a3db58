"""A real Rally server and real Chromium for the tests only a browser can do.

One fixture starts `streamlit run app.py` on a free port (against a private demo
store, or a Sheet in the emulator), waits for /_stcore/health, and stops it by
process group. Playwright drives Debian's Chromium through `executable_path`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("RALLY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--headless=new",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps trying to reach Google's servers, which this machine refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch arguments, pointed at Debian's Chromium."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RallyServer:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(data_dir: Path, env: dict[str, str] | None = None, cwd: Path = ROOT) -> RallyServer:
    """`streamlit run app.py` in its own process group; returns once /_stcore/health answers."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in ("SHEETS_EMULATOR_HOST",)}
    environment.update({"RALLY_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), **(env or {})})
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "server.log"
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()}")
        try:
            if requests.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                return RallyServer(url, process, log_path)
        except requests.RequestException:
            pass
        time.sleep(0.1)
    stop_server(RallyServer(url, process, log_path))
    raise RuntimeError(f"streamlit did not become healthy in 60 s:\n{log_path.read_text()}")


def stop_server(server: RallyServer) -> None:
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=10)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def rally_server(tmp_path_factory) -> Iterator[RallyServer]:
    """Rally on the embedded demo, in a private data folder, for this test module."""
    server = start_server(tmp_path_factory.mktemp("rally-server"))
    yield server
    stop_server(server)


def open_page(page, url: str, text: str, timeout: float = 30_000, menu: bool = True) -> None:
    """Go to `url` and wait until the app has rendered `text` (the shell renders before the script's output).

    `menu=False` for a directors' link, whose page comes without the menu.
    """
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)
    # Until the script's st.navigation arrives, the sidebar shows a placeholder list of files.
    if menu:
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Connect & settings").first.wait_for(state="attached", timeout=timeout)


def settle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit's lazily loaded widgets (select boxes, metrics) have replaced their grey skeletons."""
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=timeout)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
