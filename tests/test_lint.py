"""The code reads the same everywhere: ruff's checks and its formatter (120 columns) hold on the whole tree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]], ids=["ruff check", "ruff format"])
def test_ruff_is_clean(command):
    """`ruff check .` and `ruff format --check .` pass, as CI runs them (long rule tables are kept with fmt: off)."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
