"""The meeting's pages under AppTest: presenter slides and navigation, the phone vote and the hidden tally, the leaderboard, Data health's reach flags."""

from __future__ import annotations

import functools
from datetime import date

import pandas as pd
import pytest

from rally.core.parsing import week_start
from rally.core.text import format_figure
from rally.core.week import Week
from rally.demo.company import demo_tabs
from rally.sheet.dataset import build_dataset
from rally.weekly.glance import last_complete_week
from rally.weekly.votes import post_key, vote_candidates, vote_pages
from tests.apptest import app, clear_caches, texts
from tests.sources import SHEET_KEY
from tests.test_scoring import HEADER, STAFF_HEADER, post

MEETING, VOTE, BOARD, HEALTH = "views/meeting.py", "views/vote.py", "views/leaderboard.py", "views/data_health.py"
SLIDE_TITLES = [
    "the week at a glance",
    "Highlights",
    "Hero of the week",
    "Competition & leaderboards",
    "KPIs",
    "What we'll do better",
    "Over to you",
]


def last_week() -> str:
    return last_complete_week(date.today())


def weeks_back(n: int) -> str:
    """The week `n` weeks before the last complete one: each voting test votes on its own week, so they share one store."""
    return (pd.Timestamp(week_start(last_week())) - pd.Timedelta(weeks=n)).strftime("%G-W%V")


@functools.cache
def candidate_keys(week: str) -> list[str]:
    """What the Vote page's radio returns for each post on the first page it opens on (A to Z by who posted)."""
    dataset = build_dataset(demo_tabs(date.today()))
    return vote_pages(vote_candidates(dataset.posts, dataset.staff, week))[0][1]


@pytest.mark.parametrize("slide", range(1, 8))
def test_every_slide_renders_on_the_demo(module_demo_env, slide):
    """Each slide of the agenda has its title, the week and the data stamp, and no error."""
    at = app(MEETING, query={"slide": str(slide)})
    assert not at.exception and not at.error
    shown = texts(at)
    assert SLIDE_TITLES[slide - 1] in shown
    assert f"Slide {slide} of 7" in shown and "Data as of" in shown


def test_the_meeting_opens_on_the_last_complete_week_at_slide_one(module_demo_env):
    """No preparation: open the page and the week is ready, with the place in the URL."""
    at = app(MEETING)
    assert at.title[0].value == f"{last_week()}: the week at a glance"
    assert (at.query_params["week"], at.query_params["slide"]) == (last_week(), "1")
    assert [m.label for m in at.metric] == ["Posts", "People posting", "Reach", "Engagements"]


def test_next_and_back_move_through_the_slides_and_the_url_follows(module_demo_env):
    """Next goes forward, Back goes back, the slide number is in the query string so a refresh keeps the place."""
    at = app(MEETING)
    assert at.button(key="slide-back").disabled
    at.button(key="slide-next").click().run()
    at.button(key="slide-next").click().run()
    assert at.title[0].value == "Hero of the week" and at.query_params["slide"] == "3"
    at.button(key="slide-back").click().run()
    assert at.title[0].value == "Highlights" and at.query_params["slide"] == "2"


# fmt: off
@pytest.mark.parametrize(("given", "shown"), [("99", "Over to you"), ("0", "the week at a glance"), ("three", "the week at a glance")])
# fmt: on
def test_a_slide_number_out_of_range_lands_on_a_real_slide(module_demo_env, given, shown):
    """A hand-edited URL never breaks the projector."""
    at = app(MEETING, query={"slide": given})
    assert not at.exception and shown in at.title[0].value


def test_the_week_in_the_url_is_used_and_a_bad_one_falls_back(module_demo_env):
    """A week from the picker (typed in any case) opens that week; a week outside the data opens the last complete week."""
    at = app(MEETING, query={"week": "1999-W01"})
    assert at.title[0].value.startswith(last_week())
    older = at.selectbox(key="meeting-week").options[5].split(" ·")[0]  # "2026-W44 · 26 Oct – 1 Nov 2026"
    at = app(MEETING, query={"week": older.lower()})
    assert at.title[0].value.startswith(older)


def test_picking_another_week_keeps_the_slide(module_demo_env):
    """The week picker under the slide changes the week and leaves the facilitator on the same slide."""
    at = app(MEETING, query={"slide": "4"})
    older = Week.parse(at.selectbox(key="meeting-week").options[3].split(" ·")[0])
    at.selectbox(key="meeting-week").set_value(older).run()
    assert (at.query_params["week"], at.query_params["slide"]) == (older, "4")
    assert at.title[0].value == "Competition & leaderboards"


def test_the_hero_slide_names_the_hero_with_a_reason(module_demo_env):
    """The demo's last complete week has a hero and a spoken reason."""
    shown = texts(app(MEETING, query={"slide": "3"}))
    assert "🌟" in shown and ("the most this week" in shown or "first time" in shown or "points this week" in shown)


def test_a_vote_from_a_phone_is_counted_hidden_then_revealed(module_demo_env):
    """A vote shows as a count on the last slide; the leader appears only after the facilitator reveals it."""
    phone = app(VOTE)
    assert "Vote: most creative post" in texts(phone)
    phone.radio[0].set_value(candidate_keys(last_week())[1])
    phone.button(key="FormSubmitter:vote-Send my vote").click().run()
    assert not phone.exception
    assert "Your vote is in" in texts(phone)

    screen = app(MEETING, query={"slide": "7"})
    shown = texts(screen)
    assert "1 vote so far" in shown and "Results are hidden" in shown and "Most creative so far" not in shown
    screen.text_input(key="passcode-input-reveal the vote").input("rally-demo")
    screen.button(key="FormSubmitter:passcode-reveal the vote-Unlock").click().run()
    screen.button(key="reveal-vote").click().run()
    assert "Most creative so far" in texts(screen)
    second = app(MEETING, query={"slide": "7"})  # another projector, or a reload: the reveal is the server's, not a tab's
    assert "Most creative so far" in texts(second) and "Results are hidden" not in texts(second)
    screen.query_params["slide"] = "4"
    screen.run()
    assert "Your vote" not in texts(screen) and "1 vote for" in texts(screen)


def test_voting_again_replaces_the_earlier_vote(module_demo_env):
    """The same phone votes twice: the count stays at one."""
    week = weeks_back(1)
    phone = app(VOTE, query={"week": week})
    for key in candidate_keys(week)[:2]:
        phone.radio[0].set_value(key)
        phone.button(key="FormSubmitter:vote-Send my vote").click().run()
    assert "1 vote so far" in texts(app(MEETING, query={"slide": "7", "week": week}))


def test_sending_without_a_choice_asks_for_one(module_demo_env):
    """Nothing is written until a post is picked."""
    week = weeks_back(2)
    phone = app(VOTE, query={"week": week})
    phone.button(key="FormSubmitter:vote-Send my vote").click().run()
    assert [e.value for e in phone.error] == ["Pick a post first, then send your vote\\."]  # Markdown-escaped; it reads the same
    assert "0 votes so far" in texts(app(MEETING, query={"slide": "7", "week": week}))


def test_the_leaderboard_shows_periods_breakdown_and_rules(module_demo_env):
    """This week / this month / all time, a breakdown that ends in the person's points, the rules table."""
    at = app(BOARD)
    assert not at.exception and not at.error
    assert at.title[0].value == "Leaderboard"
    # The first person's breakdown ends in their points, written as the board writes them; no cell reads "None".
    breakdown = at.dataframe[1].value
    assert breakdown.iloc[-1]["Points"] == format_figure(at.dataframe[0].value.iloc[0]["Points"])
    assert "None" not in breakdown.to_string() and "nan" not in breakdown.to_string()
    for period in ("month", "all"):
        at.segmented_control(key="leaderboard-period").set_value(period).run()
        assert not at.exception
    assert at.dataframe[0].value["Rank"].is_monotonic_increasing
    at.text_input(key="leaderboard-search").input("anonymous").run()
    board = at.dataframe[0].value
    assert len(board) and set(board["Name"]) == {"Anonymous"}
    at.text_input(key="leaderboard-search").input("Fatima").run()
    # The demo's opted-out regular is found by no name.
    assert "No one on this board matches" in texts(at)
    assert all("Fatima Al-Sayed" not in table.value.to_string() for table in at.dataframe)


def test_the_digest_download_is_on_the_meeting_page(module_demo_env):
    """The sidebar offers the week's digest in the three formats."""
    at = app(MEETING)
    assert at.sidebar.selectbox(key="meeting-digest-format").options == ["E-mail (HTML)", "Markdown", "JSON"]



def sheet_env(sheets_emulator, tmp_path, monkeypatch, tabs, **rally):
    """The app reading a Sheet of `tabs` in the emulator (fresh caches); yields the secrets a session sets."""
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=tabs)
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    clear_caches()
    yield {"connections": {"gsheets": {"spreadsheet": SHEET_KEY, "client_email": "rally@acme.iam.gserviceaccount.com"}}, "rally": {"sheet_read_attempts": 1, **rally}}
    clear_caches()


@pytest.fixture
def implausible_sheet_env(sheets_emulator, tmp_path, monkeypatch):
    """A Sheet in the emulator whose posts include one implausible reach."""
    rows = [post(f"2026-11-{d:02d}", "Maya Patel", reach="500", link=f"https://x.com/m/{d}") for d in (2, 9, 16)]
    rows.append(post("2026-11-23", "Maya Patel", reach="250,000", link="https://x.com/m/23"))
    yield from sheet_env(sheets_emulator, tmp_path, monkeypatch, {"Posts": [HEADER, *rows], "Staff": [STAFF_HEADER, ["Maya Patel", "Sales", "show"]]}, facilitator_passcode="orange-kite-42")


def test_data_health_flags_an_implausible_reach(implausible_sheet_env):
    """Row 5's 250,000 against a usual 500 is listed with advice; the post still counts."""
    at = app(HEALTH, secrets=implausible_sheet_env)
    assert not at.exception
    at.text_input(key="passcode-input-the rows and values to fix").input("orange-kite-42")
    at = at.button(key="FormSubmitter:passcode-the rows and values to fix-Unlock").click().run()  # the rows are the facilitator's
    issues = at.dataframe[1].value
    flagged = issues[issues["column"] == "Reach"]
    assert flagged[["row", "value"]].values.tolist() == [[5, "250,000"]]
    assert "reach looks implausible" in flagged["problem"].iloc[0]
    assert any("Check the reach" in a for a in at.dataframe[2].value["What to do"])


@pytest.fixture
def empty_sheet_env(sheets_emulator, tmp_path, monkeypatch):
    """A brand-new Sheet: the Posts header and nothing else."""
    yield from sheet_env(sheets_emulator, tmp_path, monkeypatch, {"Posts": [HEADER]})


def test_on_an_empty_sheet_every_page_explains_itself(empty_sheet_env):
    """No posts yet: each slide, the leaderboard and the vote page say so instead of failing."""
    for slide in range(1, 8):
        at = app(MEETING, secrets=empty_sheet_env, query={"slide": str(slide)})
        assert not at.exception and not at.error, slide
        assert at.info or slide == 4, slide  # slide 4's award cards each say why nobody won
    assert "No reach logged for this week yet" in texts(app(MEETING, secrets=empty_sheet_env, query={"slide": "4"}))
    for page, message in ((BOARD, "No posts logged in"), (VOTE, "nothing to vote on")):
        at = app(page, secrets=empty_sheet_env)
        assert not at.exception and message in texts(at)


@pytest.fixture
def busy_week_env(sheets_emulator, tmp_path, monkeypatch):
    """A big company's week: 45 posts in the last complete week."""
    monday = week_start(last_week())
    rows = [
        post(str(monday + pd.Timedelta(days=6 if n == 44 else n % 6)), f"Person {n:02d}", link=f"https://x.com/p/{n}", platform="X" if n % 3 else "LinkedIn", summary="Drone footage" if n == 44 else f"Post {n}")
        for n in range(45)
    ]
    yield from sheet_env(sheets_emulator, tmp_path, monkeypatch, {"Posts": [HEADER, *rows]})


def test_a_busy_week_s_vote_reaches_every_post_in_two_taps(busy_week_env):
    """45 posts: five pages A to Z by who posted, every post on one of them, each a tap on its page and a tap on it."""
    phone = app(VOTE, secrets=busy_week_env, query={"week": last_week()})
    pages = phone.pills[0].options
    assert pages == ["Person 00 – Person 09", "Person 10 – Person 19", "Person 20 – Person 29", "Person 30 – Person 39", "Person 40 – Person 44"]
    listed = []
    for page in pages:
        phone.pills[0].set_value(page).run()
        listed += phone.radio[0].options
    assert len(listed) == len(set(listed)) == 45  # one tap on a page, one on the post: every post, once
    key = post_key("https://x.com/p/44", 46)  # the Sunday post, on the last page
    phone.pills[0].set_value(pages[-1]).run()
    phone.radio[0].set_value(key)
    phone.button(key="FormSubmitter:vote-Send my vote").click().run()
    assert "Your vote is in" in texts(phone) and phone.radio[0].value == key
