"""The gspread clients Rally reads and writes its Google Sheet through.

Whether Rally talks to Google or to the local emulator is decided here and
nowhere else, so the rest of the code never knows which one it has.

Both clients use gspread's plain `HTTPClient`: gspread's `BackOffHTTPClient`
sleeps up to 128 s between attempts, never gives up, shares its counter across
threads and blindly retries appends (duplicating rows). Retrying is the data
source's job, with a bound and with knowledge of which calls are safe to repeat.
Both clients also carry a timeout, because gspread's default is none at all and
a stalled Google answer would otherwise hang a Streamlit rerun forever.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import gspread
import requests
from google.auth.credentials import AnonymousCredentials
from google.oauth2.service_account import Credentials as ServiceAccountCredentials
from gspread.http_client import HTTPClient
from requests.adapters import HTTPAdapter

EMULATOR_HOST_ENV = "SHEETS_EMULATOR_HOST"
SHEETS_ORIGIN = "https://sheets.googleapis.com"
DRIVE_FILES = "https://www.googleapis.com/drive/v3/"
SPREADSHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
# Names and IDs of files, nothing in them: what opening a Sheet by its title needs.
DRIVE_METADATA_SCOPE = "https://www.googleapis.com/auth/drive.metadata.readonly"


class _EmulatorOriginAdapter(HTTPAdapter):
    """Sends Sheets API calls to the emulator.

    gspread's `http_client` imports its URL constants by name, so patching
    `gspread.urls` changes nothing; rewriting at the transport is the one place
    that catches every call without touching gspread.
    """

    def __init__(self, emulator_origin: str, google_origin: str = SHEETS_ORIGIN) -> None:
        super().__init__()
        self._emulator_origin = emulator_origin
        self._google_origin = google_origin

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = request.url or ""
        if url.startswith(self._google_origin):
            request.url = self._emulator_origin + url[len(self._google_origin) :]
        return super().send(request, **kwargs)


class _RefuseAdapter(HTTPAdapter):
    """Stops an emulator client from reaching the real internet.

    Some gspread calls (Drive metadata, export) go to other Google hosts the
    emulator does not serve; failing loudly beats a test that quietly depends
    on the network. Drive's file list, which opening by title needs, is served.
    """

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        raise requests.ConnectionError(
            f"An emulator-backed gspread client only talks to the Sheets API emulator; it refused {request.method} {request.url}. "
            "The call needs Google Drive or another Google API that the emulator does not serve."
        )


def client_for_emulator(host: str, timeout: float) -> gspread.Client:
    """A gspread client whose Sheets API calls go to the emulator at `host` ("127.0.0.1:8085").

    Anonymous credentials, because service-account credentials fetch a token
    from Google before the first request, which an offline run cannot do.
    """
    host = host.strip()
    if not host or "://" in host or "/" in host:
        raise ValueError(f"{EMULATOR_HOST_ENV} takes host:port, e.g. 127.0.0.1:8085, not {host!r}.")
    client = gspread.Client(auth=AnonymousCredentials(), http_client=HTTPClient)
    session = client.http_client.session
    # A developer's HTTP(S)_PROXY must not route emulator traffic off the machine.
    session.trust_env = False
    session.mount("https://", _RefuseAdapter())
    session.mount("http://", _RefuseAdapter())
    # requests picks the longest matching prefix, so this wins for Sheets calls only.
    session.mount(SHEETS_ORIGIN + "/", _EmulatorOriginAdapter(f"http://{host}"))
    # Drive's file list too (opening a Sheet by its title): the emulator answers it under /drive/v3/.
    session.mount(DRIVE_FILES, _EmulatorOriginAdapter(f"http://{host}", "https://www.googleapis.com"))
    client.set_timeout(timeout)
    return client


def client_for_service_account(info: Mapping[str, Any], timeout: float, drive_metadata: bool = False) -> gspread.Client:
    """A gspread client for the real Sheets API, acting as the service account in `info`.

    The spreadsheets scope, plus Drive's file names (`drive_metadata`) only when the Sheet is
    named by its title: a narrower key is a smaller leak if secrets escape.
    The timeout also bounds the token fetch, which google-auth makes with the
    same timeout as the request that triggered it.
    """
    scopes = [SPREADSHEETS_SCOPE, *([DRIVE_METADATA_SCOPE] if drive_metadata else [])]
    credentials = ServiceAccountCredentials.from_service_account_info(dict(info), scopes=scopes)
    client = gspread.Client(auth=credentials, http_client=HTTPClient)
    client.set_timeout(timeout)
    return client


def client_from_env_or_info(
    info: Mapping[str, Any] | None, timeout: float, env: Mapping[str, str] | None = None
) -> gspread.Client:
    """The emulator client when SHEETS_EMULATOR_HOST is set, else the service-account client.

    The emulator wins so a developer or a test run can never write to the real
    Sheet by accident while the emulator variable is set. `env` defaults to the
    process environment and is a parameter so tests pass a dict instead of
    patching os.environ.
    """
    env = os.environ if env is None else env
    emulator_host = env.get(EMULATOR_HOST_ENV, "").strip()
    if emulator_host:
        return client_for_emulator(emulator_host, timeout)
    if not info:
        raise ValueError(
            "Rally has no Google credentials. Put the service account's JSON key in the app's secrets, "
            f"or set {EMULATOR_HOST_ENV}=127.0.0.1:8085 and run `python -m tests.emulator.sheets_emulator --port 8085` to work offline."
        )
    return client_for_service_account(info, timeout)
