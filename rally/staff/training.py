"""The training tracker: who is trained on what, per person and per team, and who has not started.

Trained staff share about three times more, so training is tracked like posting.
Sources: the Staff tab's `Trained` column (a comma list) and an optional Training tab
(one row per person and module, with the date). Modules match ignoring case and
punctuation; the `Training modules` setting lists the ones everyone should have,
and any other module found in the data gets a column too.
"""

from __future__ import annotations

import pandas as pd

from rally.core.contract import normalise_key
from rally.core.parsing import clean_name
from rally.sheet.dataset import NO_TEAM, SurveyData
from rally.survey.anonymity import effective_threshold
from rally.survey.answers import choice_distribution, in_round, response_count, round_order


def module_list(setting: str) -> list[str]:
    """The `Training modules` setting as a list, spelling kept, repeats dropped."""
    seen: dict[str, str] = {}
    for part in setting.split(","):
        name = clean_name(part)
        if name and normalise_key(name) not in seen:
            seen[normalise_key(name)] = name
    return list(seen.values())


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


def survey_support_needs(survey: SurveyData | None, anonymity_threshold: int = 5) -> pd.DataFrame | None:
    """The survey's support question, counted for the tracker: `need`, `people` (most asked first); counts only.

    The question is the one with the ID `support` (the programme's default asks it), else the first choice
    question whose text mentions support. Read by the survey's own rules (one response per person per round,
    Rally's own Survey tab or a Google Form), from the latest round with at least the anonymity threshold's
    number of responses. None (show nothing) when no question or no round qualifies.
    """
    if survey is None:
        return None
    questions = survey.answers.questions
    question = next((q for q in questions if q.id == "support"), None) or next(
        (q for q in questions if q.type in ("single", "multi") and "support" in q.text.casefold()), None
    )
    if question is None:
        return None
    answers = survey.answers.frame
    threshold = effective_threshold(anonymity_threshold)
    order = round_order(survey.rounds, answers)
    eligible = [name for name in order if response_count(answers, name) >= threshold]
    if not eligible:
        return None
    counts = choice_distribution(in_round(answers, eligible[-1]), question)
    counts = counts[(counts["count"] > 0) & (counts["option"].str.casefold() != "none")]
    if counts.empty:
        return None
    table = counts.rename(columns={"option": "need", "count": "people"})[["need", "people"]]
    return (
        table.sort_values("people", ascending=False, kind="stable")
        .reset_index(drop=True)
        .astype({"need": "str", "people": "int64"})
    )
