"""The training tracker: who is trained on what, per person and per team, and who has not started.

Trained staff share about three times more, so training is tracked like posting.
Sources: the Staff tab's `Trained` column (a comma list) and an optional Training tab
(one row per person and module, with the date). Modules match ignoring case and
punctuation; the `Training modules` setting lists the ones everyone should have,
and any other module found in the data gets a column too.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from rally.core.contract import Column, TabSpec, find_tab, normalise_key, read_table
from rally.core.dataset import NO_TEAM
from rally.core.issues import DataIssue
from rally.core.parsing import clean_name, parse_dates

TRAINING = TabSpec(
    "Training",
    (
        Column("Name", True, ("Staff", "Person", "Employee"), "Who was trained", "Hannah Schmidt"),
        Column(
            "Module",
            True,
            ("Course", "Topic", "Session"),
            "A module from the Training modules setting, or any other",
            "Analytics",
        ),
        Column("Date", False, ("Completed", "Trained on"), "When (optional)", "2026-11-12"),
    ),
    description="Optional: one row per person and module, with the date (the Staff tab's Trained column works too).",
)

RECORD_COLUMNS = {"person": "str", "name": "str", "module": "str", "date": "datetime64[ns]", "source": "str"}


def module_list(setting: str) -> list[str]:
    """The `Training modules` setting as a list, spelling kept, repeats dropped."""
    seen: dict[str, str] = {}
    for part in setting.split(","):
        name = clean_name(part)
        if name and normalise_key(name) not in seen:
            seen[normalise_key(name)] = name
    return list(seen.values())


def training_records(
    staff: pd.DataFrame, tabs: Mapping[str, list[list]], day_first: bool = True
) -> tuple[pd.DataFrame, list[DataIssue]]:
    """One row per person and module they are trained in (Staff `Trained` and the Training tab), with issues for bad rows."""
    issues: list[DataIssue] = []
    from_staff = staff[["person", "name", "trained"]].explode("trained").dropna(subset=["trained"])
    parts = [
        pd.DataFrame(
            {
                "person": from_staff["person"],
                "name": from_staff["name"],
                "module": from_staff["trained"].map(clean_name),
                "date": pd.NaT,
                "source": "Staff",
            }
        )
    ]
    title = find_tab(tabs, TRAINING)
    if title:
        table = read_table(tabs[title], TRAINING)
        issues += table.issues
        frame = table.frame
        names = frame["Name"].map(clean_name)
        modules = frame["Module"].map(clean_name)
        dates = parse_dates(frame["Date"], day_first)
        bad_date = dates.isna() & (frame["Date"] != "")
        issues += [
            DataIssue("Training", int(r), "Date", v, "not a date — the training still counts")
            for r, v in zip(frame["row"][bad_date], frame["Date"][bad_date])
        ]
        incomplete = (names == "") | (modules == "")
        issues += [
            DataIssue("Training", int(r), "Name" if n == "" else "Module", "", "blank — row left out")
            for r, n in zip(frame["row"][incomplete], names[incomplete])
        ]
        keep = ~incomplete
        parts.append(
            pd.DataFrame(
                {
                    "person": names[keep].str.casefold(),
                    "name": names[keep],
                    "module": modules[keep],
                    "date": dates[keep],
                    "source": "Training",
                }
            )
        )
    records = pd.concat([p.astype(RECORD_COLUMNS) for p in parts], ignore_index=True)
    records = records[records["module"] != ""]
    return records.reset_index(drop=True).astype(RECORD_COLUMNS), issues


def tracked_modules(records: pd.DataFrame, required: list[str]) -> list[str]:
    """The required modules in the setting's order, then any other module found in the data (first spelling, by frequency)."""
    known = {normalise_key(m) for m in required}
    keys = records["module"].map(normalise_key)
    # assign before filtering: assigning a Series to an empty frame would take the Series' index.
    others = records.assign(key=keys)[~keys.isin(known)]
    counts = (
        others.groupby("key", sort=False)
        .agg(module=("module", "first"), n=("module", "size"))
        .sort_values("n", ascending=False, kind="stable")
    )
    return [*required, *counts["module"]]


def coverage_matrix(staff: pd.DataFrame, records: pd.DataFrame, required: list[str]) -> pd.DataFrame:
    """Person × module: `name`, `team`, one bool column per module, `done` (required modules done), `started`.

    Everyone on the Staff tab has a row, trained or not; someone only on the Training
    tab gets one too (team "No team"). Sorted by team, then name.
    """
    modules = tracked_modules(records, required)
    key_of = {normalise_key(m): m for m in reversed(modules)}
    people = staff[["person", "name", "team"]]
    extra = records[~records["person"].isin(people["person"])].drop_duplicates("person")
    people = pd.concat(
        [people, pd.DataFrame({"person": extra["person"], "name": extra["name"], "team": NO_TEAM})], ignore_index=True
    )
    had = records.assign(module=records["module"].map(lambda m: key_of[normalise_key(m)]))
    done = {(p, m) for p, m in zip(had["person"], had["module"])}
    matrix = people.assign(**{m: [(p, m) in done for p in people["person"]] for m in modules})
    matrix["done"] = matrix[required].sum(axis=1).astype("int64") if required else 0
    matrix["started"] = matrix[modules].any(axis=1) if modules else False
    return matrix.sort_values(["team", "name"], key=lambda s: s.str.casefold()).reset_index(drop=True)


def team_coverage(matrix: pd.DataFrame, required: list[str]) -> pd.DataFrame:
    """Per team: people, started (any module), fully trained (every required module) and % of each; a Total row last."""
    full = matrix["done"] == len(required) if required else matrix["started"]
    by = (
        matrix.assign(full=full)
        .groupby("team", sort=True)
        .agg(people=("person", "size"), started=("started", "sum"), trained=("full", "sum"))
        .reset_index()
    )
    total = pd.DataFrame(
        [
            {
                "team": "Total",
                "people": int(by["people"].sum()),
                "started": int(by["started"].sum()),
                "trained": int(by["trained"].sum()),
            }
        ]
    )
    table = pd.concat([by, total], ignore_index=True).astype(
        {"people": "int64", "started": "int64", "trained": "int64"}
    )
    people = table["people"].where(table["people"] > 0)
    table["trained_pct"] = (100 * table["trained"] / people).fillna(0).round(0)
    table["started_pct"] = (100 * table["started"] / people).fillna(0).round(0)
    return table[["team", "people", "trained", "trained_pct", "started", "started_pct"]]


def not_started(matrix: pd.DataFrame) -> dict[str, list[str]]:
    """People with no module at all, by team (teams and names in alphabetical order)."""
    waiting = matrix[~matrix["started"]]
    return {team: list(group["name"]) for team, group in waiting.groupby("team", sort=True)}


def person_training(records: pd.DataFrame, person: str, required: list[str]) -> pd.DataFrame:
    """One person's modules: `module`, `done`, `date` (the latest known, NaT when undated), required modules first."""
    modules = tracked_modules(records[records["person"] == person], required)
    mine = records.assign(key=records["module"].map(normalise_key))[records["person"] == person]
    latest = mine.groupby("key")["date"].max()
    keys = [normalise_key(m) for m in modules]
    return pd.DataFrame(
        {"module": modules, "done": [k in latest.index for k in keys], "date": [latest.get(k, pd.NaT) for k in keys]}
    ).astype({"module": "str", "done": "bool", "date": "datetime64[ns]"})


SURVEY_TAB_NAMES = ("Survey", "Survey Answers", "Survey Responses", "Form Responses 1")


def survey_support_needs(tabs: Mapping[str, list[list]], anonymity_threshold: int = 5) -> pd.DataFrame | None:
    """Hook for the survey's aggregated support needs beside the tracker: None (show nothing) when there is no Survey tab.

    Until the survey module provides its own aggregation, this reads a survey laid
    out one column per question (as a Google Form's responses tab is): the column
    whose header mentions "support" is counted per option (comma-separated answers).
    Counts only, never names; nothing is returned for fewer answers than the
    anonymity threshold. Returns `need`, `people` (most asked first), or None.
    """
    title = next((t for t in tabs if normalise_key(t) in {normalise_key(n) for n in SURVEY_TAB_NAMES}), None)
    rows = tabs.get(title) if title else None
    if not rows:
        return None
    header = [str(c) for c in rows[0]]
    column = next((i for i, cell in enumerate(header) if "support" in cell.casefold()), None)
    if column is None:
        return None
    answers = [str(r[column]).strip() for r in rows[1:] if len(r) > column and str(r[column]).strip()]
    if len(answers) < max(3, anonymity_threshold):
        return None
    needs = pd.Series(
        [clean_name(part) for answer in answers for part in answer.split(",") if clean_name(part)], dtype="str"
    )
    needs = needs[needs.str.casefold() != "none"]
    counts = needs.value_counts().rename_axis("need").reset_index(name="people")
    return counts.astype({"need": "str", "people": "int64"})
