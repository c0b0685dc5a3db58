"""Data health: counts per tab and advice a person can act on, grouped by kind of problem."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rally.core.contract import CORE_TABS
from rally.core.issues import DataIssue, issues_frame
from rally.core.names import closest_name
from rally.core.settings import Settings
from rally.sheet.dataset import Dataset

# (how the problem starts, what to do). First match wins; the last row catches everything.
ADVICE: tuple[tuple[str, str], ...] = (
    ("no name", "Type who posted it in the Name column."),
    ("no date", "Add the day it was posted, e.g. 2026-11-16."),
    (
        "not a date",
        "Write dates as 2026-11-16, 16/11/2026 or 16 Nov 2026 (set Date order in Settings if your sheet is month-first).",
    ),
    ("year ", "Check the year: a typo such as 3026 for 2026 is common."),
    ("as a date this number is", "Type the date itself (2026-11-16), not a number."),
    ("a number, not a date", "Type the date itself (2026-11-16), not a number."),
    ("not a number", "Use plain numbers: 1234, 1,234 or 1.2k. Leave it blank if you don't know yet."),
    (
        "could be ",
        "Type the number the way this Sheet's locale writes them (see the example in the problem), or plainly: 1234.",
    ),
    ("not how this Sheet writes numbers", "Type the number the way this Sheet's locale writes them, or plainly: 1234."),
    ("identifies people", "Remove that column from the responses tab, or turn off collecting e-mails in the Form."),
    ("column ", "Give the column a title in the header row, or leave its cells empty."),
    ("negative number", "Counts can't be below zero: correct the figure or leave it blank."),
    ("same link as row", "The post was logged twice: delete the repeated row (the first one is counted)."),
    ("not an http(s) link", "Paste the post's full address, starting with https://."),
    ("no platform", "Say where it was posted: LinkedIn, X, Facebook, Instagram, Blog, …"),
    ("listed twice", "Keep one row per person on the Staff tab."),
    ("expected show or anonymous", "Write show or anonymous in the Leaderboard column."),
    ("not a month", "Write months as 2026-10 or Oct 2026."),
    ("no KPI name", "Name the KPI on every row of the KPIs tab."),
    ("appears again", "Keep one row per month and KPI."),
    (
        "computed from the Posts tab",
        "Leave Actual blank for Number of posts and Reach of posts: Rally counts them from the Posts tab (a Target is welcome).",
    ),
    (
        "same ID as row",
        "Rally counts each ID once already: delete the later row in the Sheet so people who open it see it once.",
    ),
    ("unknown setting", "Check the key's spelling against the Settings page."),
    ("the Posts tab is missing", "Add a Posts tab, or run: python cli.py init-sheet"),
    ("no header row", "Put the column names in one of the first five rows of the tab."),
    ("same ID as row", "Rally wrote this row twice (a retried write that had landed): delete the repeated row."),
    (
        "reach looks implausible",
        "Check the reach against the platform's own figure (a typo such as an extra 0 is common) and correct it; if it's right, celebrate it.",
    ),
    ("", "See the problem column for the row."),
)


def advice_for(problem: str, tab: str = "Posts") -> str:
    if tab == "Staff" and problem.startswith("no name"):
        return "Type the person's name in the Name column, or delete the row."
    if " appears twice (columns " in problem or (" appears " in problem and " times (columns " in problem):
        return "Keep one column per heading: rename or delete the repeated one (Rally reads the first)."
    return next(text for start, text in ADVICE if problem.startswith(start))


def fix_advice(issues: list[DataIssue]) -> pd.DataFrame:
    """One line per kind of problem: how many rows, which tabs, what to do."""
    if not issues:
        return pd.DataFrame(
            {
                "Tab": pd.Series([], dtype="str"),
                "Problem": pd.Series([], dtype="str"),
                "Rows": pd.Series([], dtype="int64"),
                "What to do": pd.Series([], dtype="str"),
            }
        )
    frame = pd.DataFrame(
        {
            "kind": [next(s for s, _ in ADVICE if i.problem.startswith(s)) or i.problem for i in issues],
            "tab": [i.tab for i in issues],
            "problem": [i.problem for i in issues],
        }
    )
    # Grouped per tab too: "no name" means something different on Posts and on Staff.
    grouped = (
        frame.groupby(["tab", "kind"], sort=False)
        .agg(rows=("problem", "size"), example=("problem", "first"))
        .reset_index()
    )
    return pd.DataFrame(
        {
            "Tab": grouped["tab"].astype("str"),
            "Problem": grouped["example"].astype("str"),
            "Rows": grouped["rows"].astype("int64"),
            "What to do": [advice_for(example, tab) for example, tab in zip(grouped["example"], grouped["tab"])],
        }
    )


# What "Counted" counts where it isn't rows: a survey answer is a row per question, a response the whole form sent.
COUNTED_AS = {"Survey": "responses", "Survey Rounds": "rounds started", "Moderation": "answers and ideas hidden"}


def tab_counts(dataset: Dataset, issues: list[DataIssue] | None = None) -> pd.DataFrame:
    """Each tab Rally reads: its title in the Sheet, rows found, rows counted, issues (`issues`, else the dataset's own).

    The five tabs every Sheet has are always listed (a missing one says so); the others once the Sheet has them
    or an issue names them.
    """
    per_tab = pd.Series([i.tab for i in (dataset.issues if issues is None else issues)], dtype="str").value_counts()
    core = {spec.name for spec in CORE_TABS}
    return pd.DataFrame(
        [
            {
                "Tab": name,
                "In the Sheet as": summary.title or "(missing)",
                "Rows": summary.rows,
                "Counted": summary.valid,
                "Counted as": COUNTED_AS.get(name, "rows"),
                "Issues": int(per_tab.get(name, 0)),
            }
            for name, summary in dataset.tabs.items()
            if name in core or summary.title is not None or per_tab.get(name, 0)
        ]
    )


def all_issues(dataset: Dataset) -> list[DataIssue]:
    """Every data issue: what build_dataset found plus reach figures that need a second look."""
    return [*dataset.issues, *implausible_reach(dataset.posts, dataset.settings)]


def written_twice(dataset: Dataset) -> int:
    """How many rows repeat an ID an earlier row of the same tab has (a write that reached the Sheet twice)."""
    return sum(1 for issue in dataset.issues if issue.column == "ID" and issue.problem.startswith("same ID as row"))


def health_tables(dataset: Dataset) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The Data health page's three tables: counts per tab, every issue, what to do about each kind."""
    found = all_issues(dataset)
    return tab_counts(dataset, found), issues_frame(found), fix_advice(found)


# -- names not on the Staff tab: each is a person on every page (a ghost, when it is a typo) --------------------------------
def unknown_names(posts: pd.DataFrame, staff: pd.DataFrame) -> pd.DataFrame:
    """Names posting without a Staff row: Name, Posts, First row (0 while still on its way), Closest Staff name.

    Most posts first. Empty when there is no Staff tab to compare with. "Maya" beside Maya Patel is most likely
    her, typed short: fix the Name cells (or add the person to the Staff tab if they are someone new).
    """
    columns = {"Name": "str", "Posts": "int64", "First row": "int64", "Closest Staff name": "str"}
    if staff.empty or posts.empty:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns.items()})
    off = posts[~posts["person"].isin(set(staff["person"]))]
    grouped = (
        off.groupby("person", sort=False)
        .agg(
            name=("name", "first"),
            posts=("row", "size"),
            first=("row", lambda rows: int(rows[rows > 0].min()) if (rows > 0).any() else 0),
        )
        .reset_index(drop=True)
        .sort_values(["posts", "first"], ascending=[False, True], kind="stable")
    )
    names = staff["name"].tolist()
    nearest = [closest_name(name, names) for name in grouped["name"]]
    return (
        pd.DataFrame(
            {
                "Name": grouped["name"],
                "Posts": grouped["posts"],
                "First row": grouped["first"],
                "Closest Staff name": [found[0] if found else "" for found in nearest],
            }
        )
        .reset_index(drop=True)
        .astype(columns)
    )


# -- anti-gaming: numbers that need a second look (a data check: flagged, never dropped) ------------------------------------------------------
def implausible_reach(posts: pd.DataFrame, settings: Settings) -> list[DataIssue]:
    """Posts whose reach is over `multiple` × the person's median reach on their other posts **and** over `minimum`.

    Flagged for a person to check (the post still counts). A person with no other post that has a reach has no
    usual to compare with, so nothing of theirs is flagged.
    """
    # Only the columns the rule reads: filtering the whole frame would copy every post's text too.
    known = posts.loc[posts["reach"].notna(), ["row", "person", "reach"]]
    issues: list[DataIssue] = []
    high = known[known["reach"] > settings.implausible_reach_minimum]
    if high.empty:
        return issues
    # Each flagged person's posts once (a few dozen each), not the whole tab filtered again per high post.
    theirs = known[known["person"].isin(high["person"].unique())]
    by_person = {
        person: (group["row"].to_numpy(), group["reach"].to_numpy())
        for person, group in theirs.groupby("person", sort=False)
    }
    for post in high.itertuples():
        rows, reach = by_person[post.person]
        others = reach[rows != post.row]
        if not len(others):
            continue
        usual = float(np.median(others))
        if post.reach > settings.implausible_reach_multiple * usual:
            issues.append(
                DataIssue(
                    "Posts",
                    int(post.row),
                    "Reach",
                    f"{post.reach:,.0f}",
                    f"reach looks implausible: over {settings.implausible_reach_multiple:g}× this person's usual {usual:,.0f} — check the number (the post still counts)",
                )
            )
    return issues
