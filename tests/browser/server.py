"""A real Rally server (`streamlit run app.py`) on a free port, and what drives Debian's Chromium against it.

Used by the browser tests' fixtures (tests/browser/conftest.py) and by the memory
benchmark (bench/memory.py). The server runs in its own process group and is
stopped by it, so nothing it starts outlives a test.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from playwright.sync_api import TimeoutError as PlaywrightTimeout

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


def start_server(
    data_dir: Path,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    address: str = "127.0.0.1",
    script: Path = ROOT / "app.py",
) -> RallyServer:
    """`streamlit run app.py` (or another `script`) in its own process group; returns once /_stcore/health answers.

    Streamlit reads `.streamlit/` (config and secrets) from `cwd`: see `sheet_cwd` for a server on a Sheet.
    `address="0.0.0.0"` listens on every interface, as the quickstart's `streamlit run app.py` does.
    """
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in ("SHEETS_EMULATOR_HOST",)}
    environment.update({"RALLY_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT), **(env or {})})
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "server.log"
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true", "--server.port", str(port), "--server.address", address,
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, cwd=cwd, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()}")
        if healthy(url):
            return RallyServer(url, process, log_path)
        time.sleep(0.1)
    stop_server(RallyServer(url, process, log_path))
    raise RuntimeError(f"streamlit did not become healthy in 60 s:\n{log_path.read_text()}")


def healthy(url: str) -> bool:
    """True once the Streamlit server at `url` answers its health check."""
    try:
        return requests.get(f"{url}/_stcore/health", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def stop_server(server: RallyServer) -> None:
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
        server.process.wait(timeout=10)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)


def sheet_cwd(folder: Path, spreadsheet_key: str) -> Path:
    """A working folder whose .streamlit/ holds Rally's config and secrets for a Sheet in the emulator.

    Start the server there with SHEETS_EMULATOR_HOST set: it reads the Sheet exactly as in
    production (anonymous credentials instead of a service account), with nothing in the app changed.
    """
    streamlit_dir = folder / ".streamlit"
    streamlit_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / ".streamlit" / "config.toml", streamlit_dir / "config.toml")
    (streamlit_dir / "secrets.toml").write_text(
        "[connections.gsheets]\n"
        f'spreadsheet = "https://docs.google.com/spreadsheets/d/{spreadsheet_key}/edit"\n'
        'client_email = "rally@emulated-project.iam.gserviceaccount.com"\n'
    )
    return folder


def page_url(page_file: str) -> str:
    """Streamlit serves views/x_y.py at /x_y, and the default page at /."""
    default_line = next(line for line in (ROOT / "app.py").read_text().splitlines() if "default=True" in line)
    return "" if page_file in default_line else page_file.removeprefix("views/").removesuffix(".py")


def open_page(page, url: str, text: str, timeout: float = 30_000, menu: bool = True) -> None:
    """Go to `url` and wait until the app has rendered `text` (the shell renders before the script's output).

    `menu=False` for a directors' link, whose page comes without the menu.
    """
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)
    # Until the script's st.navigation arrives, the sidebar shows a placeholder list of files.
    if menu:
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Connect & settings").first.wait_for(
            state="attached", timeout=timeout
        )


def wait_until_drawn(page, timeout: float = 15_000) -> None:
    """Tables and charts draw after the script has finished: wait for them, so a screenshot shows the finished page."""
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            // Charts load their drawing code on first use and show a skeleton meanwhile.
            if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"]')) return false;
            // Only what is on show: a chart in a closed tab or expander, or a table below the fold, never draws.
            const shown = (el) => el.offsetParent !== null && el.getBoundingClientRect().top < window.innerHeight;
            const tables = [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter(shown);
            const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"], [data-testid="stMetricChart"]')].filter(shown);
            return tables.every(t => t.querySelector('th, [role="columnheader"]')) && charts.every(c => c.querySelector('canvas, svg'));
        }""",
        timeout=timeout,
    )


DOCS_IMAGES = ROOT / "docs" / "images"
DOCS_ENV = "RALLY_DOCS_SCREENSHOTS"  # set to 1 to refresh the facilitator's guide's pictures in docs/images/


def guide_screenshot(page, name: str) -> Path:
    """A picture for the facilitator's guide (README), as the browser tests see the page.

    Kept in artifacts/screenshots/ like every screenshot; with RALLY_DOCS_SCREENSHOTS=1 written to docs/images/
    instead, where the README shows it (a run of the tests doesn't change the repository unless asked to).
    """
    wait_until_drawn(page)
    folder = DOCS_IMAGES if os.environ.get(DOCS_ENV) == "1" else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.jpg"
    page.screenshot(path=str(path), type="jpeg", quality=72)
    return path


def screenshot(page, name: str) -> Path:
    """A full-page screenshot once every table and chart has drawn, saved to artifacts/screenshots/ (git-ignored)."""
    wait_until_drawn(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def press_reveal(page, tries: int = 3) -> None:
    """Press *Reveal the results* on the last slide until the button says *Hide the results*.

    On a loaded machine a click on the slide sometimes reaches no script run (seen in the hostile-data test under a
    CPU hog: no Survey Rounds row, no error, the button unchanged). The button flips only once the reveal is
    stored, so pressing again while it still says Reveal can't hide what was revealed.
    """
    reveal = page.get_by_role("button", name="Reveal the results")
    hide = page.get_by_role("button", name="Hide the results")
    for _ in range(tries):
        reveal.click()
        try:
            hide.wait_for(timeout=8_000)
            return
        except PlaywrightTimeout:
            if not reveal.count():
                raise
    hide.wait_for(timeout=8_000)
