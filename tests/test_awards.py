"""The weekly competition as rule tables: streaks, first posts, rises, badges and each award category."""

from __future__ import annotations

import pandas as pd
import pytest

from rally.weekly.awards import BADGES, CATEGORIES, badges_earned, first_timers, rises, streaks, weekly_awards
from rally.weekly.scoring import ANONYMOUS
from tests.test_scoring import post, sheet

# Mondays of consecutive ISO weeks: 2026-W44 … 2026-W48.
MONDAYS = {"W44": "2026-10-26", "W45": "2026-11-02", "W46": "2026-11-09", "W47": "2026-11-16", "W48": "2026-11-23"}


def on(week: str, name: str, **numbers: str) -> list[str]:
    """A post on the Monday of `week` (W44 … W48), with a link unique to it."""
    link = f"https://x.com/{name.replace(' ', '')}/{week}/{len(numbers)}/{sorted(numbers.items())}".replace(" ", "")
    return post(MONDAYS[week], name, link=link, **numbers)


@pytest.mark.parametrize(
    ("weeks", "streak"),
    [
        (["W48"], 1),
        (["W45", "W46", "W47", "W48"], 4),
        (["W44", "W45", "W47", "W48"], 2),  # a gap ends a run
        (["W44", "W45", "W46", "W47"], None),  # no post in the week: no current streak at all
    ],
)
def test_a_streak_is_the_run_of_weeks_ending_with_this_one(weeks, streak):
    """Weeks running with at least one post, counted back from the chosen week."""
    dataset = sheet([on(w, "Maya") for w in weeks])
    assert streaks(dataset.posts, "2026-W48").get("maya") == streak


def test_first_timers_are_people_whose_first_ever_post_is_this_week():
    """Leo posted before; Ana and Jo are new this week, in the order they posted."""
    dataset = sheet(
        [on("W47", "Leo"), on("W48", "Leo"), post("2026-11-25", "Jo", link="https://x.com/jo"), on("W48", "Ana")]
    )
    assert first_timers(dataset.posts, "2026-W48") == ["ana", "jo"]


def test_a_rise_compares_this_week_with_the_average_of_the_previous_four():
    """Quiet weeks count as 0 in the average: 40 points across four weeks is an average of 10."""
    dataset = sheet(
        [
            on("W44", "Maya"),
            on("W46", "Maya"),
            on("W47", "Maya"),
            on("W47", "Maya", reactions="10"),
            on("W48", "Maya", reactions="20"),
        ]
    )
    row = rises(dataset.posts, dataset.settings, "2026-W48").set_index("person").loc["maya"]
    assert (row["points"], row["baseline"], row["rise"]) == (30, (10 + 0 + 10 + 30) / 4, 30 - 12.5)


def week_of_streak(name: str, length: int) -> list[list[str]]:
    return [on(w, name) for w in list(MONDAYS)[len(MONDAYS) - length :]]


# fmt: off
@pytest.mark.parametrize(
    ("rows", "person", "badges"),
    [
        ([on("W48", "Maya")], "maya", ["first-post"]),
        (week_of_streak("Maya", 4), "maya", ["streak-4"]),
        (week_of_streak("Maya", 5), "maya", []),  # the 4-week badge is earned the week the streak reaches 4, not every week after
        ([on("W47", "Maya")] + [post("2026-11-23", "Maya", link=f"https://a.b/{p}", platform=p) for p in ("LinkedIn", "X")], "maya", []),
        ([on("W47", "Maya")] + [post("2026-11-23", "Maya", link=f"https://a.b/{p}", platform=p) for p in ("LinkedIn", "X", "Blog")], "maya", ["platforms-3"]),
        ([on("W47", "Maya"), on("W48", "Maya", reach="1,000")], "maya", ["reach-1000"]),
        ([on("W47", "Maya"), on("W48", "Maya", reach="999")], "maya", []),
    ],
)
# fmt: on
def test_badges_earned_this_week(rows, person, badges):
    """First post, 4- and 10-week streaks (the week they're reached), 3+ platforms, a 1,000-reach post."""
    dataset = sheet(rows)
    earned = badges_earned(dataset.posts, dataset.staff, "2026-W48")
    assert earned.loc[earned["person"] == person, "key"].tolist() == badges


def test_a_ten_week_streak_earns_its_badge():
    """Ten weeks running, reached this week."""
    rows = [post((pd.Timestamp("2026-11-23") - pd.Timedelta(weeks=n)).date().isoformat(), "Leo", link=f"https://x.com/l/{n}") for n in range(10)]
    dataset = sheet(rows)
    earned = badges_earned(dataset.posts, dataset.staff, "2026-W48")
    assert earned["key"].tolist() == ["streak-10"]


def test_the_creative_winner_gets_a_badge_and_every_badge_is_documented():
    """The vote's winner is passed in; each badge key has an icon, a label and a rule."""
    dataset = sheet([on("W47", "Maya"), on("W48", "Maya")])
    assert badges_earned(dataset.posts, dataset.staff, "2026-W48", ["maya"])["key"].tolist() == ["creative"]
    assert all(b.icon and b.label and b.rule for b in BADGES)


def test_an_opted_out_person_earns_badges_as_anonymous():
    """Badges still count; the name shown is Anonymous."""
    dataset = sheet([on("W48", "Ana Ruiz")], [["Ana Ruiz", "Ops", "anonymous"]])
    assert badges_earned(dataset.posts, dataset.staff, "2026-W48")[["name", "key"]].values.tolist() == [[ANONYMOUS, "first-post"]]


def winners(rows, category: str, staff=None, tally=None, settings=None) -> list[tuple[str, str]]:
    dataset = sheet(rows, staff, settings)
    return [(a.name, a.why) for a in weekly_awards(dataset.posts, dataset.staff, dataset.settings, "2026-W48", tally) if a.category == category]


# fmt: off
@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([on("W48", "Maya", reach="900"), on("W48", "Maya", reach="200"), on("W48", "Leo", reach="1000")], [("Maya", "1,100 people reached with 2 posts")]),
        ([on("W48", "Maya", reach="500"), on("W48", "Leo", reach="500")], [("Leo", "500 people reached with 1 post"), ("Maya", "500 people reached with 1 post")]),  # a tie shares the award
        ([on("W48", "Maya")], [("", "No reach logged for this week yet")]),
    ],
)
# fmt: on
def test_top_reach(rows, expected):
    """The most people reached across the week's posts."""
    assert winners(rows, "Top reach") == expected


# fmt: off
@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([on("W48", "Maya", reach="1000", reactions="50"), on("W48", "Leo", reach="400", reactions="40")], ["Leo"]),
        ([on("W48", "Maya", reach="1000", reactions="50"), on("W48", "Leo", reach="10", reactions="1")], ["Maya"]),  # one like on a 10-view post is 10% but under the minimum reach
        ([on("W48", "Leo", reach="10", reactions="1")], [""]),  # nobody qualifies: the award says why
    ],
)
# fmt: on
def test_most_engaging_needs_a_minimum_reach(rows, expected):
    """The best engagement rate on a post with at least the minimum reach (200 by default)."""
    assert [name for name, _ in winners(rows, "Most engaging")] == expected


def test_most_engaging_why_names_the_rate():
    """The reason is a sentence with the rate and the reach."""
    rows = [on("W48", "Maya", reach="400", reactions="30", comments="5", shares="3", clicks="2")]
    assert winners(rows, "Most engaging")[0][1].endswith("10.0% of 400 people reached engaged")


# fmt: off
@pytest.mark.parametrize(
    ("weeks_by_person", "expected"),
    [
        ({"Maya": 5, "Leo": 3}, [("Maya", "posted 5 weeks running")]),
        ({"Maya": 4, "Leo": 4}, [("Leo", "posted 4 weeks running"), ("Maya", "posted 4 weeks running")]),  # joint winners
        ({"Maya": 1}, [("", "Nobody has posted 2 weeks running yet")]),  # one week is a post, not a habit
    ],
)
# fmt: on
def test_most_consistent(weeks_by_person, expected):
    """The longest run of weeks with a post, ending this week."""
    rows = [r for name, length in weeks_by_person.items() for r in week_of_streak(name, length)]
    assert winners(rows, "Most consistent") == expected


# fmt: off
@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([on("W47", "Maya", reactions="40"), on("W48", "Maya", reactions="90"), on("W48", "Leo")], [("Maya", "100 points, up from an average of 12 over the previous 4 weeks")]),
        ([on("W47", "Maya", reactions="40"), on("W48", "Maya"), on("W48", "Leo", reactions="5")], [("Leo", "first-ever post, 15 points straight in")]),  # a first post is a rise from nothing
        ([on("W44", "Maya", reactions="90"), on("W45", "Maya", reactions="90"), on("W46", "Maya", reactions="90"), on("W47", "Maya", reactions="90"), on("W48", "Maya")], [("", "Nobody beat their own recent average this week")]),
    ],
)
# fmt: on
def test_rising_star(rows, expected):
    """The biggest rise against their own last four weeks."""
    assert winners(rows, "Rising star") == expected


def test_most_creative_is_the_rooms_vote():
    """The post with most votes wins; no votes, no winner yet."""
    rows = [on("W48", "Maya"), on("W48", "Leo")]
    tally = pd.DataFrame({"person": ["leo", "maya"], "votes": [3, 1], "summary": ["Drone video", ""], "platform": ["LinkedIn", "X"], "link": ["https://x.com/l", "https://x.com/m"]})
    assert winners(rows, "Most creative", tally=tally) == [("Leo", "3 votes for “Drone video” on LinkedIn")]
    assert winners(rows, "Most creative") == [("", "Voted by the room — no votes yet")]


def test_posts_over_the_weekly_cap_do_not_compete():
    """Maya's third post (over a cap of 2) would have made her top reach; it doesn't count."""
    rows = [on("W48", "Maya", reach="100"), post("2026-11-24", "Maya", reach="100", link="https://x.com/2"), post("2026-11-25", "Maya", reach="5000", link="https://x.com/3"), on("W48", "Leo", reach="300")]
    assert [n for n, _ in winners(rows, "Top reach", settings=[["Weekly post cap", "2"]])] == ["Leo"]


def test_an_opted_out_winner_is_anonymous_with_nothing_that_names_them():
    """The award shows Anonymous, no link, and no post summary in the reason."""
    rows = [post("2026-11-23", "Ana Ruiz", reach="400", reactions="40", link="https://www.linkedin.com/posts/ana-ruiz_1", summary="My drone video")]
    dataset = sheet(rows, [["Ana Ruiz", "Ops", "anonymous"]])
    awards = weekly_awards(dataset.posts, dataset.staff, dataset.settings, "2026-W48")
    won = [a for a in awards if a.won]
    assert {a.category for a in won} == {"Top reach", "Most engaging", "Rising star"}
    assert all(a.name == ANONYMOUS and a.link == "" and "drone" not in a.why and "Ana" not in a.why for a in won)


def test_every_category_appears_once_or_more_in_order():
    """Awards come back in CATEGORIES order, each category present (won or explained)."""
    dataset = sheet([on("W48", "Maya", reach="300")])
    order = list(dict.fromkeys(a.category for a in weekly_awards(dataset.posts, dataset.staff, dataset.settings, "2026-W48")))
    assert order == [c for c, _ in CATEGORIES]


def test_first_post_weeks_and_weekly_points_per_person():
    """The building blocks other pages use: each person's first week, and points per person per week (0 when silent)."""
    from rally.weekly.awards import first_post_weeks, weekly_points

    dataset = sheet([on("W46", "Maya"), on("W48", "Maya", reactions="5"), on("W48", "Leo")])
    assert first_post_weeks(dataset.posts).to_dict() == {"leo": "2026-W48", "maya": "2026-W46"}
    table = weekly_points(dataset.posts, dataset.settings)
    assert table.loc["maya"].to_dict() == {"2026-W46": 10.0, "2026-W48": 15.0}
    assert table.loc["leo", "2026-W46"] == 0.0


def test_a_board_s_badge_column_matches_each_person_s_icons():
    """The leaderboard's Badges column, made for thousands of rows at once, says what each person's card says."""
    from datetime import date

    from rally.demo.company import demo_tabs
    from rally.sheet.dataset import build_dataset
    from rally.weekly.glance import last_complete_week
    from rally.weekly.meeting import weekly_meeting

    today = date.today()
    meeting = weekly_meeting(build_dataset(demo_tabs(today)), last_complete_week(today))
    people = meeting.leaderboard["person"]
    assert meeting.badge_icon_column(people) == [meeting.badge_icons(p) for p in people]
    assert any(meeting.badge_icon_column(people)) and "" in meeting.badge_icon_column(people)  # some with badges, some without
