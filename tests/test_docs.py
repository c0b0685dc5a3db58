"""The docs tell the truth: the README gives the two commands; docs/ has every module on the module map, every tab
and column in the contract table, every setting; every page the README links to, and every picture, is there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rally.core.contract import CORE_TABS
from rally.core.settings import SETTINGS_TABLE

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
MODULE_MAP = (ROOT / "docs" / "development.md").read_text()
SHEET = (ROOT / "docs" / "sheet.md").read_text()
MODULES = sorted(
    p.relative_to(ROOT).as_posix()
    for folder in ("rally", "data_sources", "ui", "views")
    for p in (ROOT / folder).rglob("*.py")
    if p.name not in ("__init__.py", "__main__.py")
) + ["app.py", "cli.py"]


@pytest.mark.parametrize("module", MODULES)
def test_every_module_is_on_the_module_map(module):
    """A new module gets a line in the module map (docs/development.md), named by its path inside its layer's folder."""
    entry = "/".join(Path(module).parts[1:]) or module  # rally/weekly/hero.py -> weekly/hero.py; app.py -> app.py
    assert f"- `{entry}` —" in MODULE_MAP, f"add {module} to the module map in docs/development.md, with what it is for"


@pytest.mark.parametrize("spec", CORE_TABS, ids=lambda s: s.name)
def test_every_tab_and_column_of_the_contract_is_documented(spec):
    """The Sheet contract table lists each tab with all of its columns and aliases."""
    row = next((line for line in SHEET.splitlines() if line.startswith(f"| {spec.name}")), None)
    assert row, f"the contract table in docs/sheet.md has no row for {spec.name}"
    for column in spec.columns:
        assert column.name in row, f"{spec.name}.{column.name} missing from docs/sheet.md"
        for alias in column.aliases:
            assert alias in row, f"alias {alias} of {spec.name}.{column.name} missing from docs/sheet.md"


@pytest.mark.parametrize("setting", SETTINGS_TABLE, ids=lambda s: s.key)
def test_every_setting_is_named_in_the_docs(setting):
    """Each Settings key a person may type is listed in the settings table of docs/sheet.md."""
    assert f"| {setting.key} |" in SHEET, f"add {setting.key} to the settings table in docs/sheet.md"


def test_the_readme_gives_the_two_commands_and_the_test_command():
    """Quickstart and the test command are there, and .ci/run runs that test command."""
    assert "pip install -r requirements.txt" in README and "streamlit run app.py" in README
    assert "python -m pytest" in README
    assert "python -m pytest" in (ROOT / ".ci" / "run").read_text()


def test_the_readme_starts_with_what_rally_is_then_the_commands_then_the_facilitator_s_guide():
    """A newcomer reads what Rally is, the two commands, then before, during and after the meeting, in that order."""
    order = [
        "# Rally",
        "## Two commands",
        "## The facilitator's 5-minute guide",
        "### Before the meeting",
        "### During the meeting",
        "### After the meeting",
    ]
    places = [README.index(heading) for heading in order]
    assert places == sorted(places)


def test_every_page_and_picture_the_docs_link_to_is_there():
    """Links to docs/ pages, their sections' files, and the guide's pictures all resolve in the repository."""
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text()):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            assert (doc.parent / target).exists(), f"{doc.relative_to(ROOT)} links to {target}, which isn't there"
