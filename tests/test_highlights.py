"""Highlights and "What we'll do better" as rules: what is celebrated, in what order, and what stays private."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rally.sheet.dataset import build_dataset
from rally.weekly.highlights import improvements, kpi_month, kpi_wins, team_records, weekly_highlights
from tests.test_awards import MONDAYS, on
from tests.test_scoring import HEADER, STAFF_HEADER, post

WEEK = "2026-W48"


def dataset_of(rows, staff=None, notes=None, kpis=None):
    tabs = {"Posts": [HEADER, *rows]}
    if staff:
        tabs["Staff"] = [STAFF_HEADER, *staff]
    if notes:
        tabs["Notes"] = [["Week", "Kind", "Person", "Text"], *notes]
    if kpis:
        tabs["KPIs"] = [["Month", "KPI", "Actual", "Target"], *kpis]
    return build_dataset(tabs)


def highlights(rows, **tabs):
    d = dataset_of(rows, **tabs)
    return weekly_highlights(d.posts, d.staff, d.notes, d.kpis, d.settings, WEEK)


def test_top_posts_by_reach_then_engagement_with_links_and_no_repeats():
    """Three by reach, then two more by engagement that weren't listed already, each with its link."""
    rows = [on("W47", n) for n in "ABCDEF"]
    rows += [
        post(MONDAYS["W48"], n, reach=str(r), reactions=str(e), link=f"https://x.com/{n}", summary=f"Post {n}")
        for n, r, e in [("A", 900, 10), ("B", 800, 90), ("C", 700, 5), ("D", 100, 80), ("E", 50, 70), ("F", 10, 60)]
    ]
    found = [h for h in highlights(rows) if h.kind in ("top-reach", "top-engagement")]
    assert [(h.kind, h.link) for h in found] == [
        ("top-reach", "https://x.com/A"),
        ("top-reach", "https://x.com/B"),
        ("top-reach", "https://x.com/C"),
        ("top-engagement", "https://x.com/D"),  # B has more engagements but is listed already
        ("top-engagement", "https://x.com/E"),
    ]
    assert found[0].text == "A's LinkedIn post “Post A” reached 900 people."


@pytest.mark.parametrize(
    ("link", "shown"),
    [
        ("https://x.com/a", "https://x.com/a"),
        ("javascript:alert(1)", ""),  # only http(s) links become links
        ("www.example.com/post", ""),
    ],
)
def test_only_web_links_are_offered(link, shown):
    """A highlight's link is set only for http(s) links."""
    rows = [on("W47", "Maya"), post(MONDAYS["W48"], "Maya", reach="500", link=link)]
    assert next(h for h in highlights(rows) if h.kind == "top-reach").link == shown


def test_an_opted_out_persons_post_is_celebrated_without_name_summary_or_link():
    """Anonymous stays anonymous in highlights: no name, no summary, no profile link."""
    rows = [
        on("W47", "Ana Ruiz"),
        post(
            MONDAYS["W48"],
            "Ana Ruiz",
            reach="5000",
            link="https://www.linkedin.com/posts/ana-ruiz_1",
            summary="Ana's big day",
        ),
    ]
    top = next(h for h in highlights(rows, staff=[["Ana Ruiz", "Ops", "anonymous"]]) if h.kind == "top-reach")
    assert (top.text, top.link) == ("An anonymous colleague's LinkedIn post reached 5,000 people.", "")


def test_first_posts_streaks_and_platform_badges_are_milestones():
    """A first post, a 4-week streak reached and 3+ platforms each get a line."""
    rows = [on(w, "Maya") for w in ("W45", "W46", "W47", "W48")] + [on("W48", "Leo")]
    rows += [post(MONDAYS["W48"], "Maya", link=f"https://a.b/{p}", platform=p) for p in ("X", "Blog")]
    texts = [h.text for h in highlights(rows) if h.kind in ("first-post", "badge")]
    assert texts == [
        "Leo posted for the first time. Welcome!",
        "🔥 Maya reached a 4-week streak.",
        "🌐 Maya posted on 3 or more platforms.",
    ]


def test_an_anonymous_person_s_streak_is_a_colleague_s():
    """ "🔥 Anonymous reached a 4-week streak" reads like a name: someone off the public board is "A colleague"."""
    rows = [on(w, "Ana Ruiz") for w in ("W45", "W46", "W47", "W48")]
    texts = [h.text for h in highlights(rows, staff=[["Ana Ruiz", "Ops", "anonymous"]]) if h.kind == "badge"]
    assert texts == ["🔥 A colleague reached a 4-week streak."]


# fmt: off
@pytest.mark.parametrize(
    ("note", "top_summaries"),
    [
        ("'Case study: Acme cut waste' reached 9,000 people, our best — Maya", ["Hackathon recap", "A short one"]),  # the note quotes it
        ("Everyone loved https://x.com/maya/1", ["Hackathon recap", "A short one"]),  # ... or links it
        ("A great week for the team", ["Case study: Acme cut waste", "Hackathon recap", "A short one"]),
        ("A short one!", ["Case study: Acme cut waste", "Hackathon recap", "A short one"]),  # too short to tell it's that post
    ],
)
# fmt: on
def test_a_post_the_facilitator_s_note_celebrates_is_not_read_out_twice(note, top_summaries):
    """One post in both columns no more: the top posts skip a post a Highlight note already quotes."""
    rows = [
        post(MONDAYS["W48"], "Maya", reach="9000", link="https://x.com/maya/1", summary="Case study: Acme cut waste"),
        post(MONDAYS["W48"], "Leo", reach="500", link="https://x.com/leo/1", summary="Hackathon recap"),
        post(MONDAYS["W48"], "Jo", reach="100", link="https://x.com/jo/1", summary="A short one"),
    ]
    found = highlights(rows, notes=[[WEEK, "Highlight", "", note]])
    tops = [h.text for h in found if h.kind == "top-reach"]
    assert [next(s for s in ("Case study: Acme cut waste", "Hackathon recap", "A short one") if s in t) for t in tops] == top_summaries


def test_notes_come_first_and_kudos_last_with_the_person_as_staff_spells_them():
    """The facilitator's Highlight notes open the list; Kudos close it; other weeks' notes stay out."""
    notes = [
        [WEEK, "Highlight", "", "Three customer stories"],
        [WEEK, "Kudos", "maya  patel", "Helped everyone"],
        ["2026-W47", "Highlight", "", "Old news"],
    ]
    found = highlights([on("W48", "Maya Patel")], staff=[["Maya Patel", "Sales", "show"]], notes=notes)
    assert (found[0].kind, found[0].text) == ("note", "Three customer stories")
    assert (found[-1].kind, found[-1].text) == ("kudos", "Kudos to Maya Patel: Helped everyone")
    assert all("Old news" not in h.text for h in found)


@pytest.mark.parametrize(
    ("weekly_posts", "expected"),
    [
        ([2, 2, 2, 2, 3], ["T had its busiest week ever: 3 posts (the previous best was 2)."]),
        ([2, 2, 2, 3, 3], []),  # equalling the record is not a record
        ([2, 2, 2, 5], []),  # only three weeks before: too little history for a record
    ],
)
def test_team_records_need_history_to_beat(weekly_posts, expected):
    """A team's busiest week ever, when there are at least four earlier weeks."""
    weeks = ["2026-10-19", *MONDAYS.values()][-len(weekly_posts) :]
    rows = [
        post(day, f"P{i}", team="T", link=f"https://x.com/{day}/{i}")
        for day, count in zip(weeks, weekly_posts)
        for i in range(count)
    ]
    assert team_records(dataset_of(rows).posts, WEEK) == expected


@pytest.mark.parametrize(
    ("week", "month"),
    [
        ("2026-W48", "2026-10"),  # ends Sun 29 Nov: November isn't over, so October
        ("2026-W49", "2026-11"),  # Mon 30 Nov – Sun 6 Dec: November has ended
        ("2027-W04", "2027-01"),  # ends on Sunday 31 January: January is complete that very day
    ],
)
def test_the_kpi_month_is_the_last_full_month(week, month):
    """KPI wins look at the last month that ended by the week's Sunday."""
    assert kpi_month(week) == month


def test_kpi_wins_are_kpis_at_or_above_target():
    """Met and beaten targets are wins; missed ones and ones without a target aren't."""
    kpis = [
        ["2026-10", "Leads", "42", "40"],
        ["2026-10", "Sales", "7", "7"],
        ["2026-10", "Followers", "90", "100"],
        ["2026-10", "Visits", "900", ""],
        ["2026-11", "Leads", "99", "1"],
    ]
    d = dataset_of([on("W48", "Maya")], kpis=kpis)
    assert kpi_wins(d.kpis, WEEK) == [
        "October 2026: Leads 42 against a target of 40.",
        "October 2026: Sales 7 against a target of 7.",
    ]


def test_improvements_are_the_improve_notes_then_missing_numbers():
    """Improve notes for the week, then a next step when posts have no reach yet."""
    d = dataset_of(
        [on("W48", "Maya"), on("W48", "Leo", reach="100")],
        notes=[[WEEK, "Improve", "", "Reply to comments within a day"], [WEEK, "Highlight", "", "Not this one"]],
    )
    assert improvements(d.posts, d.notes, WEEK) == [
        "Reply to comments within a day",
        "1 post from 2026-W48 has no reach yet: add the numbers in the Sheet so they count in full.",
    ]


def test_kpi_scorecards_show_the_reviewed_month_or_the_latest_before_it():
    """The last full month's KPIs; when it has none yet, the latest month before it; never a later month."""
    from rally.weekly.meeting import kpi_scorecards

    kpis = [
        ["2026-09", "Leads", "30", "40"],
        ["2026-10", "Leads", "42", "40"],
        ["2026-10", "Visits", "900", ""],
        ["2026-11", "Leads", "5", "41"],
    ]
    cards = kpi_scorecards(dataset_of([on("W48", "Maya")], kpis=kpis).kpis, WEEK)
    assert cards[["month", "kpi", "met"]].values.tolist() == [["2026-10", "Leads", True], ["2026-10", "Visits", False]]
    older = kpi_scorecards(dataset_of([on("W48", "Maya")], kpis=kpis[:1]).kpis, WEEK)
    assert older["month"].tolist() == ["2026-09"]
    assert kpi_scorecards(dataset_of([on("W48", "Maya")]).kpis, WEEK).empty


def day_after(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def test_kudos_sent_from_the_kudos_page_close_the_highlights_and_respect_the_opt_out():
    """The kudos sent since the last meeting are read out as text; someone off the public board is 'a colleague'; others stay out."""
    from rally.core.contract import KUDOS
    from rally.sheet.dataset import read_kudos

    d = dataset_of([on("W48", "Maya Patel")], staff=[["Maya Patel", "Sales", "show"], ["Ana Ruiz", "Ops", "anonymous"]])
    header = KUDOS.header

    def row(**cells):
        return [cells.get(c, "") for c in header]

    tabs = {
        "Kudos": [
            header,
            row(ID="k1", Date=day_after(MONDAYS["W48"], 1), To="maya patel", From="Leo", Message="<b>Great</b> talk"),
            row(
                ID="k2", Date=day_after(MONDAYS["W48"], 7), To="Ana Ruiz", Message="Thanks for the help"
            ),  # the meeting's Monday
            row(
                ID="k3", Date=MONDAYS["W48"], To="Maya Patel", Message="Last week"
            ),  # read out at that Monday's meeting
            row(ID="k4", Date=day_after(MONDAYS["W48"], 8), To="Maya Patel", Message="Next week"),
        ]
    }
    kudos = read_kudos(tabs, display_names=d.display_names())
    found = [
        h.text
        for h in weekly_highlights(d.posts, d.staff, d.notes, d.kpis, d.settings, WEEK, kudos=kudos)
        if h.kind == "kudos"
    ]
    assert found == ["Kudos to Maya Patel from Leo: <b>Great</b> talk", "Kudos to a colleague: Thanks for the help"]
