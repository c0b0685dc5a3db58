"""The README tells the truth: every module is on the module map, every tab and column in the contract table."""

from __future__ import annotations

from pathlib import Path

import pytest

from rally.core.contract import CORE_TABS
from rally.core.settings import SETTINGS_TABLE

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
MODULES = sorted(
    p.relative_to(ROOT).as_posix()
    for folder in ("rally", "data_sources", "ui", "views")
    for p in (ROOT / folder).rglob("*.py")
    if p.name not in ("__init__.py", "__main__.py")
) + ["app.py", "cli.py"]


@pytest.mark.parametrize("module", MODULES)
def test_every_module_is_on_the_module_map(module):
    """A new module gets a line in the README's module map, named by its path inside its layer's folder."""
    entry = "/".join(Path(module).parts[1:]) or module  # rally/weekly/hero.py -> weekly/hero.py; app.py -> app.py
    assert f"- `{entry}` —" in README, f"add {module} to the README's module map, with what it is for"


@pytest.mark.parametrize("spec", CORE_TABS, ids=lambda s: s.name)
def test_every_tab_and_column_of_the_contract_is_documented(spec):
    """The Sheet contract table lists each tab with all of its columns and aliases."""
    row = next((line for line in README.splitlines() if line.startswith(f"| {spec.name}")), None)
    assert row, f"the contract table has no row for {spec.name}"
    for column in spec.columns:
        assert column.name in row, f"{spec.name}.{column.name} missing from the README"
        for alias in column.aliases:
            assert alias in row, f"alias {alias} of {spec.name}.{column.name} missing from the README"


@pytest.mark.parametrize("setting", SETTINGS_TABLE, ids=lambda s: s.key)
def test_every_setting_is_named_in_the_readme(setting):
    """Each Settings key a person may type is listed in the README."""
    assert f"| {setting.key} |" in README, f"add {setting.key} to the README's settings table"


def test_the_readme_gives_the_two_commands_and_the_test_command():
    """Quickstart and the test command are there, and .ci/run runs that test command."""
    assert "pip install -r requirements.txt" in README and "streamlit run app.py" in README
    assert "python -m pytest" in README
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text()
