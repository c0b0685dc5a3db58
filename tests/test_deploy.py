"""deploy/ is a setup a company can copy: its files name what exists, and start replicas as the fleet was measured."""

from __future__ import annotations

import re
import tomllib

import pytest

from bench.merge import merge
from bench.phones import SERVER_ENV, LoadRun, Phone, Projector, p95
from data_sources.config import check_state
from tests.apptest import ROOT

DEPLOY = ROOT / "deploy"


def test_the_image_copies_every_folder_the_app_imports_and_no_secret():
    """The Dockerfile copies the app's layers and its config, never a secrets file."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    copied = set(re.findall(r"^COPY (\S+)", dockerfile, re.MULTILINE))
    assert {"data_sources", "rally", "ui", "views", "requirements.txt", "app.py"} <= copied | {"app.py"}
    assert "secrets.toml" not in dockerfile.replace("secrets.toml.example", "")
    for path in copied:
        assert (ROOT / path).exists(), f"the Dockerfile copies {path}, which is not in the repository"


def test_the_image_holds_the_python_it_copies_compiled():
    """Every Python file and folder the image copies is compiled in it, so a replica's cold start doesn't compile them."""
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    copied = {name for line in re.findall(r"^COPY (.+)$", dockerfile, re.MULTILINE) for name in line.split()[:-1]}
    python = {p for p in copied if p.endswith(".py") or ((ROOT / p).is_dir() and any((ROOT / p).glob("*.py")))}
    compiled = re.search(r"^RUN python -m compileall -q (.+)$", dockerfile, re.MULTILINE)
    assert compiled, "the image doesn't compile Rally's modules"
    assert python == set(compiled.group(1).split()) and {"app.py", "rally", "views"} <= python


def test_the_replicas_are_started_as_the_benchmark_started_them():
    """Every setting the fleet was measured with is in the compose file's environment for the replicas."""
    compose = (DEPLOY / "compose.yaml").read_text()
    for name, value in SERVER_ENV.items():
        assert re.search(rf'{name}: "{value}"', compose), f"{name} missing from deploy/compose.yaml"
    assert "./secrets.toml:/app/.streamlit/secrets.toml:ro" in compose
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in compose and (DEPLOY / "Caddyfile").exists()


def test_the_proxy_pins_each_browser_to_a_replica_by_cookie():
    """Streamlit's session lives in one replica: Caddy pins by cookie (phones on one Wi-Fi share an address)."""
    caddyfile = (DEPLOY / "Caddyfile").read_text()
    assert "lb_policy cookie" in caddyfile and "dynamic a rally 8501" in caddyfile
    assert "ip_hash" not in caddyfile


def test_the_example_secrets_are_a_fleet_rally_accepts():
    """deploy/secrets.toml.example parses, and its `state` is the compose file's database in a form Rally accepts."""
    secrets = tomllib.loads((DEPLOY / "secrets.toml.example").read_text())
    assert (
        secrets["rally"]["state"].startswith("postgresql://rally:")
        and "@postgres:5432/rally" in secrets["rally"]["state"]
    )
    check_state(secrets["rally"], secrets["connections"]["gsheets"])  # the rest is the example's placeholders


# -- the fleet measurements' own arithmetic ---------------------------------------------------------------------------


def test_submit_to_every_projector_waits_for_the_slowest_screen():
    """The k-th answer sent counts when every projector shows k more answers than at the start."""
    people = [Phone(0, sent=1.0, saved=1.2), Phone(1, sent=2.0, saved=2.1)]
    screens = [Projector(0, [(0.0, 5), (1.5, 6), (2.5, 7)]), Projector(1, [(0.0, 5), (3.0, 7)])]
    assert LoadRun(people, screens, 10.0).latencies() == pytest.approx([2.0, 1.0])
    assert LoadRun(people, screens[:1], 10.0).latencies() == pytest.approx([0.5, 0.5])


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0], 1.0),
        (list(range(1, 21)), 19),  # the 19th of 20: 95% of the answers were on screen by then
        ([3.0, 1.0, 2.0], 3.0),
    ],
)
def test_the_p95_is_the_value_95_percent_of_answers_beat(values, expected):
    """The p95 of a handful of answers is taken from the sorted values, never interpolated."""
    assert p95(values) == expected


def test_a_partial_benchmark_run_keeps_the_other_measurements():
    """`--only 6` replaces measurement 6's row and section in RESULTS.md and keeps 1 and 7 as they were."""

    def results(command, numbers, label):
        rows = "\n".join(f"| {n} | m{n} | {label} |" for n in numbers)
        sections = "\n".join(f"## {n}. M{n}\n\n{label} figures for {n}\n" for n in numbers)
        return (
            f"# Rally benchmark results\n\nWritten by `{command}` on 2026-12-0{len(numbers)} 10:00 UTC, in 9 s.\n\n"
            f"## Machine\n\n| a | b |\n\n## Summary\n\n| # | Measurement | Status |\n|---|---|---|\n{rows}\n\n{sections}"
        )

    merged = merge(results("python -m bench", [1, 6, 7], "old"), results("python -m bench --only 6", [6], "new"))
    assert "new figures for 6" in merged and "old figures for 6" not in merged
    assert "old figures for 1" in merged and "old figures for 7" in merged
    assert [line[:5] for line in merged.splitlines() if re.match(r"\| \d ", line)] == ["| 1 |", "| 6 |", "| 7 |"]
    assert "Measurements 1, 7 are kept from the previous file, written by `python -m bench`" in merged
