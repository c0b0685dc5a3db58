"""Configuration, read once from `.streamlit/secrets.toml` (or Streamlit's st.secrets) and the environment.

The `[connections.gsheets]` table uses the keys of Streamlit's own Google Sheets
connection: `spreadsheet` as the Sheet's URL, its key or its title, and the service
account's fields. Two of that connection's ways differ, and are refused with a
message saying what to change (the README lists them): `worksheet` (Rally reads
every tab by name) and no `type` at all (a public Sheet read without credentials).
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SECRETS_PATH = Path(".streamlit/secrets.toml")
DEFAULT_DATA_DIR = Path(".rally")
EMULATOR_ENV = "SHEETS_EMULATOR_HOST"
DATA_DIR_ENV = "RALLY_DATA_DIR"
# Values in secrets.toml.example that mean "not filled in yet".
PLACEHOLDER = re.compile(r"(your[-_ ]|xxxx|<.*>|\.\.\.|example\.iam|REPLACE)", re.IGNORECASE)
# The same for `spreadsheet`, which may be a title a person chose ("Your team's posts" is a fine title).
SPREADSHEET_PLACEHOLDER = re.compile(r"(your[-_]sheet|xxxx|<.*>|\.\.\.|REPLACE)", re.IGNORECASE)
SECRET_FIELDS = (
    "private_key", "private_key_id", "client_secret", "cookie_secret", "facilitator_passcode",
    "password", "webhook_url",  # [rally.smtp] and the Slack / Teams webhooks (a webhook address is its own password)
    "state",  # [rally] state: the fleet's PostgreSQL address, which may carry its password
)  # fmt: skip


class ConfigError(Exception):
    """Configuration a person has to fix; the message says how and holds no secret."""


@dataclass(frozen=True)
class RallyConfig:
    gsheets: Mapping[str, object] | None  # the [connections.gsheets] table, None for the demo
    data_dir: Path = DEFAULT_DATA_DIR
    emulator_host: str | None = None
    rally: Mapping[str, object] = field(default_factory=dict)  # the [rally] table
    auth: Mapping[str, object] = field(default_factory=dict)  # the [auth] table (OIDC)

    @property
    def uses_google_sheet(self) -> bool:
        return bool(self.gsheets)

    @property
    def state_url(self) -> str | None:
        """The PostgreSQL database a fleet of servers shares (`state` under [rally]); None: this server keeps its own."""
        return str(self.rally.get("state") or "").strip() or None

    def cache_key(self) -> str:
        """Identifies the source without holding a secret (for keying shared caches)."""
        sheet = str(self.gsheets.get("spreadsheet", "")) if self.gsheets else ""
        state = hashlib.blake2b(self.state_url.encode(), digest_size=8).hexdigest() if self.state_url else ""
        return f"{sheet}|{self.emulator_host or ''}|{self.data_dir}|{state}"

    def secret_values(self) -> list[str]:
        """Every secret in the configuration, so error messages and logs can be scrubbed of them."""
        return secret_values({"gsheets": self.gsheets or {}, "rally": self.rally, "auth": self.auth})


def secret_values(tables: Mapping[str, object]) -> list[str]:
    """The secret values anywhere in `tables` (nested tables too, such as [auth.google]), longest first.

    Works on the raw secrets as well as on a checked configuration, so logs are scrubbed
    even while the secrets file is still being filled in.
    """
    values: list[str] = []

    def walk(table: Mapping[str, object]) -> None:
        for key, value in table.items():
            if isinstance(value, Mapping):
                walk(value)
            elif key in SECRET_FIELDS and isinstance(value, str) and len(value.strip()) >= 6:
                values.append(value)
                values.append(value.strip())
                if "PRIVATE KEY" in value:
                    # A key's base64 lines are secret on their own too (they show up split, or with \\n escapes, in tracebacks).
                    values.extend(
                        line.strip()
                        for line in value.replace("\\n", "\n").splitlines()
                        if len(line.strip()) >= 16 and "PRIVATE KEY" not in line
                    )

    walk(tables)
    return sorted(set(values), key=len, reverse=True)


def read_secrets_file(path: Path = DEFAULT_SECRETS_PATH) -> dict:
    """The secrets file as a dict; {} when there is none."""
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(
            f"{path} is not valid TOML ({error.args[0].split('(')[0].strip()}). Compare it with .streamlit/secrets.toml.example."
        ) from None


def load_config(secrets: Mapping | None = None, env: Mapping[str, str] | None = None) -> RallyConfig:
    """Build the configuration from secrets (st.secrets in the app, the file in the CLI) and the environment."""
    env = os.environ if env is None else env
    secrets = read_secrets_file() if secrets is None else secrets
    gsheets = dict(secrets.get("connections", {}).get("gsheets", {}) or {})
    rally = dict(secrets.get("rally", {}) or {})
    data_dir = Path(env.get(DATA_DIR_ENV) or rally.get("data_dir") or DEFAULT_DATA_DIR)
    if gsheets:
        check_gsheets(gsheets, emulator=bool(env.get(EMULATOR_ENV)))
    check_state(rally, gsheets)
    return RallyConfig(
        gsheets=gsheets or None,
        data_dir=data_dir,
        emulator_host=env.get(EMULATOR_ENV) or None,
        rally=rally,
        auth=dict(secrets.get("auth", {}) or {}),
    )


def check_state(rally: Mapping, gsheets: Mapping) -> None:
    """Refuse a `state` Rally can't use, saying what to change (its value is never repeated: it may hold a password)."""
    state = str(rally.get("state") or "").strip()
    if not state:
        return
    if not re.match(r"^postgres(ql)?://", state):
        raise ConfigError(
            '`state` under [rally] must be a PostgreSQL address, like "postgresql://rally:password@db.example.com/rally", '
            "or be removed (then this server keeps its own state, as in the quickstart)."
        )
    if not gsheets:
        raise ConfigError(
            "`state` under [rally] shares one Google Sheet between several Rally servers, and no Sheet is configured: "
            "fill in [connections.gsheets], or remove `state` to run the demo on this server alone."
        )


def check_gsheets(table: Mapping, emulator: bool = False) -> None:
    """Refuse a half-filled [connections.gsheets], or one written for a way Rally doesn't work, with what to change."""
    spreadsheet = str(table.get("spreadsheet", "")).strip()
    if not spreadsheet or SPREADSHEET_PLACEHOLDER.search(spreadsheet):
        raise ConfigError(
            "Fill in your secrets: set `spreadsheet` under [connections.gsheets] in .streamlit/secrets.toml to the Sheet's URL, key or title."
        )
    if spreadsheet_reference(spreadsheet)[0] == "title" and '"' in spreadsheet:
        raise ConfigError(
            "Google Drive can't look up a title with a double quote in it: set `spreadsheet` under [connections.gsheets] to the Sheet's URL."
        )
    if str(table.get("worksheet", "")).strip():
        raise ConfigError(
            "Remove `worksheet` from [connections.gsheets]: Rally reads every tab of the Sheet by its name (Posts, Staff, KPIs…), "
            "so it has no single worksheet to pick. If your posts are on another tab, rename that tab to Posts."
        )
    if emulator:
        return
    if not str(table.get("type", "")).strip() and not any(table.get(k) for k in ("private_key", "client_email")):
        raise ConfigError(
            "[connections.gsheets] has no `type`: Streamlit's connection reads such a Sheet as a public one, without "
            "credentials. Rally can't: it reads every tab by name and writes answers and votes, which Google allows to a "
            "signed-in account only. Share the Sheet with a service account and paste its JSON key's fields "
            '(type = "service_account", project_id, private_key_id, private_key, client_email).'
        )
    if str(table.get("type", "")).strip() not in ("", "service_account"):
        raise ConfigError(
            f"[connections.gsheets] type = {str(table.get('type')).strip()!r}: Rally signs in as a service account only "
            '(type = "service_account" and the fields of its JSON key).'
        )
    missing = [
        k
        for k in ("type", "project_id", "private_key_id", "private_key", "client_email")
        if not str(table.get(k, "")).strip()
    ]
    if missing:
        raise ConfigError(
            f"Fill in your secrets: [connections.gsheets] lacks {', '.join(missing)}. Copy them from the service account's JSON key."
        )
    placeholders = [
        k for k in ("private_key", "client_email", "project_id") if PLACEHOLDER.search(str(table.get(k, "")))
    ]
    if placeholders:
        raise ConfigError(
            "Fill in your secrets: .streamlit/secrets.toml still holds the example's placeholder values "
            f"for {', '.join(placeholders)}. Paste the fields of your service account's JSON key."
        )


def spreadsheet_key(value: str) -> str:
    """A Sheet's key from its URL or the key itself."""
    match = re.search(r"/spreadsheets/d/([a-zA-Z0-9-_]+)", value)
    return match[1] if match else value.strip()


def spreadsheet_reference(value: str) -> tuple[str, str]:
    """How `spreadsheet` names the Sheet: ("url", key), ("key", key) or ("title", title).

    A single word of letters, digits, - and _ may be a key or a one-word title: it is tried as
    a key first, then as a title. Anything else (a space, say) is a title, opened through Drive.
    """
    value = value.strip()
    match = re.search(r"/spreadsheets/d/([a-zA-Z0-9-_]+)", value)
    if match:
        return "url", match[1]
    if re.fullmatch(r"[A-Za-z0-9_-]+", value):
        return "key", value
    return "title", value


def redact(text: str, secrets: list[str]) -> str:
    """`text` with every secret value cut out: for errors and logs."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "[redacted]")
    # Belt and braces: a PEM block that was not in the configuration is still never shown.
    return re.sub(
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)",
        "[redacted key]",
        text,
        flags=re.DOTALL,
    )
