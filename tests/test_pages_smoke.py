"""A smoke test for every page file in views/, generated: a new page is covered without anyone remembering."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from rally.core.months import month_of
from tests.apptest import PAGES, app

# Pages with a month picker: opened on the month in progress too, where changes and paces are missing most.
MONTH_PAGES = ("views/kpis.py", "views/directors.py")


def test_every_page_is_in_the_navigation():
    """Each file in pages/ is reachable from app.py's navigation."""
    source = (__import__("tests.apptest").apptest.ROOT / "app.py").read_text()
    assert PAGES and all(page in source for page in PAGES)


def test_there_is_no_pages_folder():
    """A pages/ folder switches on Streamlit's old multipage mode for a server's first deep link (skipping app.py)."""
    root = __import__("tests.apptest").apptest.ROOT
    assert not (root / "pages").exists()


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_the_demo_without_an_exception(page, demo_app_env):
    """The page runs on the embedded demo data with no error box and a title."""
    at = app(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title, "every page has a title"


@pytest.mark.parametrize("page", PAGES)
def test_no_table_on_a_page_has_a_missing_cell(page, demo_app_env):
    """The grid draws a missing value as "None": every table a page shows has a figure, a dash or a blank in each cell."""
    at = app(page, query={"month": month_of(date.today())} if page in MONTH_PAGES else None)
    missing = {
        f"table {index}": [column for column in table.value.columns if table.value[column].isna().any()]
        for index, table in enumerate(at.dataframe)
        if isinstance(table.value, pd.DataFrame) and table.value.isna().any().any()
    }
    assert not missing, missing
