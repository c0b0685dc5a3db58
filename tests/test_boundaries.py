"""The folders are the architecture: imports point down the layers, never up or sideways into I/O.

Layers, bottom to top: `rally/` (pure rules) → `data_sources/` (I/O, caching, the write path) →
`ui/` (Streamlit pieces) → `views/` (pages) → `app.py` and `cli.py` (the ways in). Inside `rally/`
the domain folders are floors of their own (see rally/__init__.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {"rally": 0, "data_sources": 1, "ui": 2, "views": 3, "app": 4, "cli": 4}
RALLY_FLOORS = {"core": 0, "room": 1, "survey": 2, "sheet": 3, "monthly": 4, "weekly": 5, "staff": 6, "demo": 7}
# Modules that do I/O (or draw a page): the pure domain never touches them. urllib.parse is pure and allowed.
IO_MODULES = ("streamlit", "gspread", "google", "requests", "sqlite3", "socket", "urllib.request", "http", "smtplib",
              "psycopg", "subprocess", "data_sources", "ui", "views")  # fmt: skip


def is_io(name: str) -> bool:
    return any(name == module or name.startswith(module + ".") for module in IO_MODULES)


def python_files(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def imports(path: Path) -> list[str]:
    """Every module a file imports, absolute, at any depth (a function-level import counts too)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def module_id(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


ALL = python_files("rally", "data_sources", "ui", "views") + [ROOT / "app.py", ROOT / "cli.py"]


@pytest.mark.parametrize("path", ALL, ids=module_id)
def test_imports_point_down_the_layers(path):
    """A module imports only from its own layer or a lower one (a page never imported by a rule, and so on)."""
    layer = LAYERS[path.relative_to(ROOT).parts[0].removesuffix(".py")]
    upward = [name for name in imports(path) if LAYERS.get(name.split(".")[0], -1) > layer]
    assert not upward, f"{module_id(path)} imports from a higher layer: {upward}"


@pytest.mark.parametrize("path", python_files("rally"), ids=module_id)
def test_rally_is_pure(path):
    """rally/ never imports streamlit, a data source or any I/O library: its rules run anywhere, tested as tables."""
    impure = [name for name in imports(path) if is_io(name)]
    assert not impure, f"{module_id(path)} imports I/O: {impure}"


@pytest.mark.parametrize(
    "path", [p for p in python_files("rally") if len(p.relative_to(ROOT).parts) > 2], ids=module_id
)
def test_rally_folders_import_only_their_own_floor_or_lower(path):
    """core < room < survey < sheet < monthly < weekly < staff < demo: "change how the hero is picked" lives in one folder."""
    floor = RALLY_FLOORS[path.relative_to(ROOT).parts[1]]
    higher = [
        name for name in imports(path) if name.startswith("rally.") and RALLY_FLOORS.get(name.split(".")[1], -1) > floor
    ]
    assert not higher, f"{module_id(path)} imports from a higher folder of rally/: {higher}"


@pytest.mark.parametrize("path", python_files("data_sources"), ids=module_id)
def test_data_sources_never_import_streamlit(path):
    """The data layer is shared by the app and the command line, so it can't depend on a Streamlit session."""
    assert not [name for name in imports(path) if name.split(".")[0] == "streamlit"]


# What a page or a shared Streamlit piece may ask the data layer for: the composition root, the write
# commands, and the types and errors they hand back. Never a source, the outbox or a client library.
UI_MAY_IMPORT = ("data_sources.server", "data_sources.commands", "data_sources.base", "data_sources.config")


@pytest.mark.parametrize("path", python_files("ui", "views"), ids=module_id)
def test_pages_write_only_through_commands(path):
    """Pages and ui/ get data and write through data_sources.server and data_sources.commands only."""
    reached = [name for name in imports(path) if name.startswith("data_sources")]
    wrong = [name for name in reached if not name.startswith(UI_MAY_IMPORT) and name != "data_sources"]
    io = [
        name
        for name in imports(path)
        if is_io(name) and name.split(".")[0] in ("gspread", "google", "requests", "sqlite3")
    ]
    assert not wrong and not io, f"{module_id(path)} reaches past the commands: {wrong + io}"


@pytest.mark.parametrize("folder", sorted(p.parent for p in (ROOT / "rally").rglob("__init__.py")), ids=str)
def test_every_rally_folder_says_what_lives_there(folder):
    """Each folder's __init__ has a docstring: what lives there and what it may import."""
    doc = ast.get_docstring(ast.parse((folder / "__init__.py").read_text()))
    assert doc and len(doc) > 80, f"{folder.relative_to(ROOT)}/__init__.py needs a paragraph saying what lives there"


# Functions that turn raw tabs into typed data: only the dataset (rally/sheet/) calls them. A page, a ui piece or
# the command line that did would read a tab a second way, with its own date order and without the queued rows.
RAW_READERS = {
    "read_table", "read_records", "find_tab", "parse_dates", "parse_date", "parse_numbers", "parse_questions",
    "read_answers", "read_rounds", "hidden_ids", "read_ideas", "read_kudos", "read_votes", "training_records",
    "build_dataset", "read_sheet", "read_live",
}  # fmt: skip


def raw_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rally."):
            found += [alias.name for alias in node.names if alias.name in RAW_READERS]
        elif isinstance(node, ast.Attribute) and node.attr in ("raw", "tabs") and isinstance(node.value, ast.Attribute):
            if node.value.attr in ("snapshot", "dataset"):  # snapshot.tabs / dataset.raw: the Sheet's raw rows
                found.append(f"{node.value.attr}.{node.attr}")
    return found


@pytest.mark.parametrize("path", python_files("ui", "views") + [ROOT / "cli.py"], ids=module_id)
def test_no_page_or_command_parses_a_raw_tab(path):
    """Pages, ui/ and the command line read the dataset (rally.sheet), never the raw tabs."""
    assert not raw_reads(path), f"{module_id(path)} reads raw tabs itself: {raw_reads(path)}"
