"""Hero of the week as rule tables: which rule picks, the spoken reason, the four-week rotation and the Notes override."""

from __future__ import annotations

from datetime import date

import pytest

from rally.demo.company import demo_tabs
from rally.sheet.dataset import build_dataset
from rally.weekly.glance import last_complete_week
from rally.weekly.hero import hero_candidates, hero_history, hero_of_the_week
from rally.weekly.scoring import ANONYMOUS
from tests.test_awards import MONDAYS, on
from tests.test_scoring import HEADER, STAFF_HEADER, post


def dataset_of(rows, staff=None, notes=None):
    tabs = {"Posts": [HEADER, *rows]}
    if staff:
        tabs["Staff"] = [STAFF_HEADER, *staff]
    if notes:
        tabs["Notes"] = [["Week", "Kind", "Person", "Text"], *notes]
    return build_dataset(tabs)


# Earlier weeks' heroes set by hand, so each rule case starts with nobody recently in the spotlight.
EARLIER = [[f"2026-W{n}", "Hero", "Zed", "Picked by hand"] for n in (44, 45, 46, 47)]


def hero(rows, week="2026-W48", staff=None, notes=None):
    d = dataset_of(rows, staff, EARLIER if notes is None else notes)
    return hero_of_the_week(d.posts, d.staff, d.notes, d.settings, week)


# fmt: off
@pytest.mark.parametrize(
    ("rows", "name", "rule", "reason"),
    [
        (
            [on("W47", "Maya Patel"), post(MONDAYS["W48"], "Maya Patel", reach="3,400", link="https://x.com/m", summary="Case study: Acme"), on("W48", "Leo Martin", reach="900")],
            "Maya Patel",
            "top-reach",
            "Maya Patel's LinkedIn post “Case study: Acme” reached 3,400 people — the most this week.",
        ),
        (
            [on("W47", "Chris Evans"), post(MONDAYS["W48"], "Chris Evans", reach="500", link="https://x.com/c")],
            "Chris Evans",
            "top-reach",
            "Chris Evans' LinkedIn post reached 500 people — the most this week.",  # no summary; names ending in s take a bare apostrophe
        ),
        ([on("W47", "Maya Patel"), on("W48", "Maya Patel"), post(MONDAYS["W48"], "Leo Martin", platform="TikTok", link="https://t.k/1")], "Leo Martin", "first-post", "Leo Martin posted for the first time, on TikTok."),
        ([on(w, "Maya Patel") for w in MONDAYS], "Maya Patel", "streak", "Maya Patel has posted 5 weeks running."),
    ],
)
# fmt: on
def test_the_rule_picks_a_hero_with_a_reason_to_say_out_loud(rows, name, rule, reason):
    """Top reach first, then a first-ever post, then a rise, then a long streak, then most points."""
    found = hero(rows)
    assert (found.name, found.rule, found.reason) == (name, rule, reason)


def test_nobody_posted_means_no_hero():
    """An empty week has no hero (the slide explains)."""
    assert hero([on("W47", "Maya")]) is None


def test_the_spotlight_rotates_and_returns_only_when_everyone_had_a_turn():
    """Maya tops reach every week; Leo and Ana get their turn; with all three recent heroes, the rule's first pick returns."""
    rows = []
    for week in ["W44", "W45", "W46", "W47", "W48"]:
        rows += [on(week, "Maya", reach="5000"), on(week, "Leo", reach="300"), on(week, "Ana", reach="100")]
    d = dataset_of(rows)
    picks = [h.name for h in hero_history(d.posts, d.staff, d.notes, d.settings, "2026-W48").values()]
    assert picks == ["Maya", "Leo", "Ana", "Maya", "Maya"]


def test_anyone_who_posted_can_be_hero_with_a_true_reason():
    """The last rule lists everyone who posted, by points, with what they did."""
    d = dataset_of([on("W47", "Maya"), on("W47", "Leo"), on("W48", "Maya", reach="5000"), on("W48", "Leo", reach="300")])
    leo = next(c for c in hero_candidates(d.posts, d.staff, d.settings, "2026-W48") if c.person == "leo")
    assert leo.reason == "Leo earned 13 points this week with 1 post, reaching 300 people."


@pytest.mark.parametrize(
    ("recent", "expected"),
    [
        ([], "Maya"),
        (["Maya"], "Leo"),  # Maya was hero last week: Leo, the next one the rule names
        (["Maya", "Leo"], "Maya"),  # nobody else qualifies: a recent hero again rather than no hero
    ],
)
def test_rotation_skips_recent_heroes_unless_nobody_else_qualifies(recent, expected):
    """Recent heroes (set by Notes rows for earlier weeks) are passed over while anyone else qualifies."""
    rows = [on("W47", "Maya"), on("W47", "Leo"), on("W48", "Maya", reach="5000"), on("W48", "Leo", reach="100")]
    names = ["Zed"] * (4 - len(recent)) + recent
    notes = [[f"2026-W{44 + i}", "Hero", name, "Picked by hand"] for i, name in enumerate(names)]
    assert hero(rows, notes=notes).name == expected


def test_a_hero_four_weeks_ago_may_be_hero_again():
    """The no-repeat rule covers the previous four weeks only."""
    rows = [on("W47", "Maya"), on("W47", "Leo"), on("W48", "Maya", reach="5000"), on("W48", "Leo", reach="100")]
    notes = [["2026-W43", "Hero", "Maya", "Picked by hand"], *EARLIER]
    assert hero(rows, notes=notes).name == "Maya"


def test_a_hero_note_overrides_the_rule_with_its_text_as_the_reason():
    """Notes Kind = Hero for the week wins, whatever the numbers say; its person is shown with the Staff spelling."""
    rows = [on("W48", "Maya Patel", reach="9000"), on("W48", "Leo Martin")]
    notes = [["2026-W48", "hero", " leo  martin", "Ran our first customer webinar"], ["2026-W48", "Hero", "Maya Patel", "A second Hero row is ignored"]]
    found = hero(rows, staff=[["Leo Martin", "Ops", "show"]], notes=[*EARLIER, *notes])
    assert (found.name, found.reason, found.rule) == ("Leo Martin", "Ran our first customer webinar", "note")


def test_opted_out_people_are_never_picked_by_the_rule():
    """Ana asked not to be in the spotlight: the rule picks Maya even though Ana reached more."""
    rows = [on("W47", "Ana Ruiz"), on("W47", "Maya"), on("W48", "Ana Ruiz", reach="9000"), on("W48", "Maya", reach="100")]
    found = hero(rows, staff=[["Ana Ruiz", "Ops", "anonymous"]])
    assert found.name == "Maya"
    d = dataset_of(rows, [["Ana Ruiz", "Ops", "anonymous"]])
    assert all(c.person != "ana ruiz" for c in hero_candidates(d.posts, d.staff, d.settings, "2026-W48"))


def test_a_note_naming_an_opted_out_person_shows_anonymous():
    """The facilitator may pick them; their name still doesn't show."""
    found = hero([on("W48", "Ana Ruiz")], staff=[["Ana Ruiz", "Ops", "anonymous"]], notes=[*EARLIER, ["2026-W48", "Hero", "Ana Ruiz", "Quiet hero of the support queue"]])
    assert (found.name, found.reason) == (ANONYMOUS, "Quiet hero of the support queue")


def test_each_person_appears_once_among_the_candidates():
    """Maya has the top post and the longest streak: she is listed once, for the first rule."""
    d = dataset_of([on(w, "Maya", reach="2000") for w in MONDAYS] + [on("W48", "Leo", reach="10")])
    people = [c.person for c in hero_candidates(d.posts, d.staff, d.settings, "2026-W48")]
    assert people == sorted(set(people), key=people.index)
    assert people[0] == "maya"


def test_the_walk_through_every_week_picks_as_the_full_candidate_lists_would():
    """hero_history works candidates out only until it finds someone fresh; on the demo company's history
    that gives, week after week, exactly the first candidate of the full list who wasn't hero in the four weeks before."""
    d = build_dataset(demo_tabs(date(2026, 11, 30)))
    weeks = hero_history(d.posts, d.staff, d.notes, d.settings, last_complete_week(date(2026, 11, 30)))
    assert len(weeks) > 8
    recent: list[str] = []
    for week, picked in weeks.items():
        noted = d.notes[(d.notes["week"] == week) & (d.notes["kind"] == "Hero")]
        if noted.empty:
            candidates = hero_candidates(d.posts, d.staff, d.settings, week)
            fresh = [c for c in candidates if c.person not in recent[-4:]]
            assert picked == (fresh or candidates or [None])[0], week
        recent.append(picked.person if picked else "")
