"""Tables for a spreadsheet person: the leaderboard, the week's posts and the people, as CSV or Excel.

Pure frames with the column names a person reads; `rally.core.export` turns them into bytes with
formulas defused. The leaderboard and the week's posts are for everyone, so people who chose
Leaderboard = anonymous appear as "Anonymous" with no team, link or summary (a profile link names
them). The people table names everyone and is offered to facilitators only.
"""

from __future__ import annotations

import pandas as pd

from rally.core.settings import Settings
from rally.weekly.scoring import ANONYMOUS, ANONYMOUS_TEAM, anonymous_people, in_period, score_posts

LEADERBOARD_HEADER = {
    "rank": "Rank",
    "name": "Name",
    "team": "Team",
    "points": "Points",
    "posts": "Posts",
    "counted": "Posts that earned points",
    "reach": "Reach",
    "engagements": "Engagements",
}
TEAM_HEADER = {
    "rank": "Rank",
    "team": "Team",
    "participation": "Took part (%)",
    "posters": "People who posted",
    "size": "Team size",
    "points_per_person": "Points per person",
    "points": "Points",
    "posts": "Posts",
    "reach": "Reach",
}
POST_COLUMNS = [
    "Date", "Name", "Team", "Platform", "Link", "Summary", "Reach", "Reactions", "Comments", "Shares", "Clicks",
    "Engagements", "Points", "Over the weekly cap",
]  # fmt: skip
PEOPLE_COLUMNS = [
    "Name", "Team", "Role", "Leaderboard", "Trained", "Joined", "Posts this week", "Points this week",
    "Posts all time", "Points all time", "Last post",
]  # fmt: skip


def leaderboard_table(people: pd.DataFrame) -> pd.DataFrame:
    """The people board as shown (names already Anonymous where chosen), with readable headers."""
    return people[list(LEADERBOARD_HEADER)].rename(columns=LEADERBOARD_HEADER).reset_index(drop=True)


def team_table(teams: pd.DataFrame) -> pd.DataFrame:
    """The team board, participation as a percentage."""
    table = teams[list(TEAM_HEADER)].copy()
    table["participation"] = (table["participation"] * 100).round(1)
    return table.rename(columns=TEAM_HEADER).reset_index(drop=True)


def week_posts_table(posts: pd.DataFrame, staff: pd.DataFrame, settings: Settings, week: str) -> pd.DataFrame:
    """The week's posts in date order with their points; opted-out people's posts carry no name, team, link or summary."""
    scored = in_period(score_posts(posts, settings), "week", week).sort_values(["date", "row"], kind="stable")
    hidden = scored["person"].isin(anonymous_people(staff))
    table = pd.DataFrame(
        {
            "Date": scored["date"].dt.strftime("%Y-%m-%d"),
            "Name": scored["name"].where(~hidden, ANONYMOUS),
            "Team": scored["team"].where(~hidden, ANONYMOUS_TEAM),
            "Platform": scored["platform"],
            "Link": scored["link"].where(~hidden, ""),
            "Summary": scored["summary"].where(~hidden, ""),
            "Reach": scored["reach"],
            "Reactions": scored["reactions"],
            "Comments": scored["comments"],
            "Shares": scored["shares"],
            "Clicks": scored["clicks"],
            "Engagements": scored["engagements"],
            "Points": scored["points"],
            "Over the weekly cap": scored["capped"].map({True: "yes", False: ""}),
        }
    )
    return table[POST_COLUMNS].reset_index(drop=True)


def people_table(posts: pd.DataFrame, staff: pd.DataFrame, settings: Settings, week: str) -> pd.DataFrame:
    """Everyone on the Staff tab (and anyone who posted without a Staff row): their details and posts this week and all time.

    Names everyone, opted-out people included: for facilitators only.
    """
    scored = in_period(score_posts(posts, settings), "all", week)
    this_week = in_period(scored, "week", week)
    totals = scored.groupby("person").agg(posts=("row", "size"), points=("points", "sum"), last=("date", "max"))
    weekly = this_week.groupby("person").agg(posts=("row", "size"), points=("points", "sum"))
    posters = scored.drop_duplicates("person", keep="last")[["person", "name", "team"]]
    unlisted = posters[~posters["person"].isin(set(staff["person"]))]
    people = pd.concat(
        [
            staff[["person", "name", "team", "role", "anonymous", "trained", "joined"]],
            unlisted.assign(role="", anonymous=False, trained=[()] * len(unlisted), joined=pd.NaT),
        ],
        ignore_index=True,
    )
    people = people.sort_values("name", key=lambda names: names.str.casefold(), kind="stable")
    person = people["person"]
    table = pd.DataFrame(
        {
            "Name": people["name"],
            "Team": people["team"],
            "Role": people["role"],
            "Leaderboard": people["anonymous"].map({True: "anonymous", False: "show"}),
            "Trained": people["trained"].map(lambda modules: ", ".join(modules)),
            "Joined": people["joined"].dt.strftime("%Y-%m-%d").fillna(""),
            "Posts this week": person.map(weekly["posts"]).fillna(0).astype("int64"),
            "Points this week": person.map(weekly["points"]).fillna(0.0),
            "Posts all time": person.map(totals["posts"]).fillna(0).astype("int64"),
            "Points all time": person.map(totals["points"]).fillna(0.0),
            "Last post": person.map(totals["last"]).dt.strftime("%Y-%m-%d").fillna(""),
        }
    )
    return table[PEOPLE_COLUMNS].reset_index(drop=True)
