"""The survey, its results and the ideas box as real pages under AppTest, on the demo company (and a Google Form's tab)."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from data_sources import server
from rally.core.contract import MODERATION, SURVEY, SURVEY_ROUNDS
from rally.demo.company import demo_tabs
from rally.survey.answers import session_code
from tests.apptest import TIMEOUT, app, clear_caches, texts
from tests.sources import SHEET_KEY

SURVEY_PAGE, RESULTS_PAGE, IDEAS_PAGE = "views/survey.py", "views/survey_results.py", "views/ideas.py"
GATE = "survey controls"


def pending(tab: str) -> list[dict[str, str]]:
    """Every row this server's outbox accepted for `tab`, sent to the store yet or not."""
    return [p.row for p in server.for_secrets({}).outbox().pending(tab, sent_since=0.0)]


def answer_everything(at: AppTest, passion: int = 4, better: str = "") -> AppTest:
    """Fill in the default questions the way a phone would, then press Send."""
    groups = at.get("button_group")
    groups[0].set_value(passion)  # passion
    groups[1].set_value(2)  # confidence
    groups[2].set_value(["LinkedIn", "Instagram"])  # platforms
    groups[3].set_value(["Finding the time"])  # support
    at.radio[0].set_value("Sometimes")  # worth
    at.radio[1].set_value("Sales")  # team
    at.text_area[0].input(better)
    return at.button(key="FormSubmitter:survey-Send my answers").click().run()


def sign_in(at: AppTest, what: str = GATE) -> AppTest:
    at.text_input(key=f"passcode-input-{what}").input("rally-demo")
    return at.button(key=f"FormSubmitter:passcode-{what}-Unlock").click().run()


def start_round(at: AppTest, name: str) -> AppTest:
    at.text_input[0].input(name)
    return at.button(key="FormSubmitter:new-round-Start round").click().run()


def chart_text(at: AppTest) -> str:
    """Every chart's spec and data as text, to ask which groups a chart shows."""
    return " ".join(
        chart.proto.spec + " ".join(d.data.data.decode("utf-8", "replace") for d in chart.proto.datasets)
        for chart in at.get("vega_lite_chart")
    )


def metric(at: AppTest, label: str) -> str:
    [value] = [m.value for m in at.metric if m.label.startswith(label)]
    return value


# -- answering on a phone ---------------------------------------------------------------------------------------


def test_the_form_says_plainly_that_it_is_anonymous(demo_app_env):
    """No name, e-mail or IP stored, no time finer than the day: said before the first question."""
    at = app(SURVEY_PAGE)
    assert "Rally stores no name, e-mail or IP address" in texts(at) and "never the time" in texts(at)
    assert [q.label for q in at.radio][:1] == ["Is the content the company shares worth sharing?"]


def test_missing_required_answers_get_a_clear_message_and_nothing_is_stored(demo_app_env):
    """Sending an empty form names the questions still to answer; the outbox stays empty."""
    at = app(SURVEY_PAGE)
    at.button(key="FormSubmitter:survey-Send my answers").click().run()
    [error] = [e.value for e in at.error]
    assert error.startswith(
        "Please answer these 5 questions"
    ) and "How confident do you feel posting about your work?" in error.replace("\\", "")
    assert pending(SURVEY.name) == []


def test_an_answer_is_saved_as_written_with_a_round_and_a_day_and_no_identity(demo_app_env):
    """'Thanks — saved' once stored locally; one row per answer, the day only, an anonymous session code, formula-like text kept."""
    at = answer_everything(app(SURVEY_PAGE), better='=HYPERLINK("http://evil.example")')
    assert not at.exception and "Thanks — saved" in texts(at)
    rows = pending(SURVEY.name)
    assert len(rows) == 7 and len({r["Response"] for r in rows}) == 1
    current = rows[0]["Round"]
    assert (
        f"Round: {current}" in texts(at)
        and {r["Round"] for r in rows} == {current}
        and {r["Day"] for r in rows} == {date.today().isoformat()}
    )
    assert {r["Question ID"]: r["Answer"] for r in rows}["better"] == '=HYPERLINK("http://evil.example")'
    token = at.session_state["rally_survey_session"]
    assert at.query_params["s"] == [token] or at.query_params["s"] == token
    assert {r["Session"] for r in rows} == {session_code(token, rows[0]["Round"])} and token not in str(rows)
    assert set(rows[0]) == set(SURVEY.header)  # nothing else is stored: no name, e-mail, address or time


def test_sending_again_replaces_the_earlier_answers(demo_app_env):
    """Change my answers → Send: still one response in the round, the new one, with Edit 2."""
    phone = answer_everything(app(SURVEY_PAGE), passion=1)
    before = int(metric(app(RESULTS_PAGE), "Answers"))
    phone.button[0].click().run()  # Change my answers
    assert phone.get("button_group")[0].value == 1, "the form comes back filled in"
    answer_everything(phone, passion=5)
    assert "Thanks — saved" in texts(phone)
    assert int(metric(app(RESULTS_PAGE), "Answers")) == before
    edits = {(r["Response"], r["Edit"]) for r in pending(SURVEY.name)}
    assert len(edits) == 2 and {e for _, e in edits} == {"1", "2"}


def test_a_reload_with_the_same_address_is_the_same_person(demo_app_env):
    """The session token travels in the address, so reopening the page shows 'saved', not a second blank form."""
    phone = answer_everything(app(SURVEY_PAGE))
    token = phone.session_state["rally_survey_session"]
    again = app(SURVEY_PAGE, query={"s": token})
    assert "Thanks — saved" in texts(again)
    stranger = app(SURVEY_PAGE, query={"s": "not-a-token"})
    assert "Thanks — saved" not in texts(stranger) and stranger.session_state["rally_survey_session"] != "not-a-token"


# -- the projector --------------------------------------------------------------------------------------------


def test_a_facilitator_starts_a_round_and_results_stay_hidden_until_shown(demo_app_env):
    """Sign in, start a round: the counter starts at 0 and results are hidden; a phone answers; Show results shows charts."""
    at = app(RESULTS_PAGE)
    assert "Facilitator only" in texts(at) and not [b for b in at.button if b.label == "Show results"]
    sign_in(at)
    start_round(at, "Pilot round")
    assert not at.exception
    assert "Pilot round" in texts(at) and metric(at, "Answers") == "0"
    assert "Results are hidden until the facilitator shows them" in texts(at) and not at.get("vega_lite_chart")
    [row] = [r for r in pending(SURVEY_ROUNDS.name) if r["Action"] == "start"]
    assert row["Round"] == "Pilot round" and row["Day"] == date.today().isoformat()

    answer_everything(app(SURVEY_PAGE))
    at.run()
    assert metric(at, "Answers") == "1"
    next(b for b in at.button if b.label == "Show results").click().run()
    assert "Results are hidden" not in texts(at) and at.get("vega_lite_chart")
    assert "How passionate are you about social media?" in texts(at)


def test_a_round_name_already_used_is_refused(demo_app_env):
    """Starting a round with the name of an earlier one says so instead of mixing their answers."""
    at = sign_in(app(RESULTS_PAGE))
    existing = at.text_input[0].value
    start_round(at, existing)
    start_round(at, existing.upper())
    assert any("There is already a round called" in e.value for e in at.error)


def test_the_team_breakdown_shows_only_teams_of_at_least_five(demo_app_env):
    """On the demo's last round Sales (7) and Engineering (6) are shown; the smaller teams never appear in a chart."""
    at = app(RESULTS_PAGE)
    at.get("button_group")[1].set_value("By team").run()
    assert "Teams shown: Sales, Engineering" in texts(at)
    assert (
        "fewer than" not in texts(at).split("Not shown separately:")[1].split(" from")[0]
    )  # 9 answers withheld: a count, not a group
    charts = chart_text(at)
    assert "Sales" in charts and "Engineering" in charts
    for small in ("Customer Success", "Marketing", "Operations"):
        assert small not in charts


def test_answers_turn_into_actions_the_facilitator_can_read_out(demo_app_env):
    """The actions view lists findings with a next step, small groups as 'fewer than 5'."""
    at = app(RESULTS_PAGE)
    at.get("button_group")[0].set_value("Turning answers into actions").run()
    said = texts(at).replace("**", "")
    assert "passionate but not confident → offer training first" in said
    assert "Fewer than 5 people" in said
    assert "want help with" in said


def test_a_facilitator_hides_a_text_answer_from_the_screen(demo_app_env):
    """Hide takes an answer off the projector at once (a Moderation row is queued); the Sheet keeps it."""
    at = sign_in(app(RESULTS_PAGE))
    shown = [m.value for m in at.markdown if m.value.startswith("💬")]
    hide = next(b for b in at.button if b.label == "Hide")
    hide.click().run()
    after = [m.value for m in at.markdown if m.value.startswith("💬")]
    assert len(after) == len(shown) - 1
    [row] = pending(MODERATION.name)
    assert row["Action"] == "hide" and row["Tab"] == SURVEY.name


# -- the ideas box ------------------------------------------------------------------------------------------------


def test_an_idea_is_saved_and_listed_first(demo_app_env):
    """Always open: an idea is thanked for, queued for the Ideas tab and listed at the top."""
    at = app(IDEAS_PAGE)
    at.text_area[0].input("@all let's do a video series")
    at.button(key="FormSubmitter:idea-Send idea").click().run()
    assert "Thanks — saved" in texts(at)
    [row] = pending("Ideas")
    assert row["Idea"] == "@all let's do a video series" and set(row) == {"ID", "Day", "Idea"}
    ideas = [m.value for m in at.markdown if m.value.startswith("💡")]
    assert "let's do a video series" in ideas[0]


def test_an_empty_idea_is_refused_and_a_facilitator_can_hide_one(demo_app_env):
    """Sending nothing says what to do; a signed-in facilitator hides an idea from every screen."""
    at = app(IDEAS_PAGE)
    at.button(key="FormSubmitter:idea-Send idea").click().run()
    assert [e.value for e in at.error] == ["Write your idea in the box first\\."]  # Markdown-escaped; it reads the same
    before = [m.value for m in at.markdown if m.value.startswith("💡")]
    sign_in(at, "hiding ideas")
    next(b for b in at.button if b.label == "Hide").click().run()
    after = [m.value for m in at.markdown if m.value.startswith("💡")]
    assert len(after) == len(before) - 1 and "1 idea hidden by the facilitator." in texts(at)


# -- the presenter's "Over to you" slide ------------------------------------------------------------------------------


def over_to_you_slide() -> None:
    from ui import layout
    from ui.survey_panel import over_to_you

    over_to_you(layout.load().dataset, layout.today())


def test_the_over_to_you_panel_shows_the_join_code_the_live_counter_and_the_latest_ideas(demo_app_env):
    """What the presenter's slide calls: a QR code, the round's answer count, the newest ideas."""
    at = AppTest.from_function(over_to_you_slide, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.get("imgs") or at.get("image")
    assert metric(at, "Answers") == "22"
    assert "A monthly list of customer stories we may talk about" in texts(at)


# -- a Google Form's responses tab -------------------------------------------------------------------------------------


@pytest.fixture
def form_sheet_env(sheets_emulator, tmp_path, monkeypatch):
    """The demo company on the emulator, with its Survey tab holding a Google Form's responses."""
    today = date.today()
    day = today.strftime("%d/%m/%Y")
    form = [
        [
            "Timestamp",
            "Email address",
            "How passionate are you about social media?",
            "Is the content the company shares worth sharing?",
            "Anything else?",
        ],
        *[
            [f"{day} 09:0{n}:00", f"p{n}@example.com", str(n % 5 + 1), "Yes", "More photos" if n % 2 else ""]
            for n in range(6)
        ],
    ]
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs={**demo_tabs(today), "Survey": form})
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    clear_caches()
    yield {
        "connections": {
            "gsheets": {
                "spreadsheet": f"https://docs.google.com/spreadsheets/d/{SHEET_KEY}/edit",
                "client_email": "rally@acme.iam.gserviceaccount.com",
            }
        },
        "rally": {"sheet_read_attempts": 1, "facilitator_passcode": "rally-demo"},
    }
    clear_caches()


def test_a_google_form_s_answers_are_counted_and_its_e_mails_never_shown(form_sheet_env):
    """Six Form rows are six answers in the month's round; the Form's unknown question is listed as text; e-mails appear nowhere."""
    at = app(RESULTS_PAGE, secrets=form_sheet_env)
    assert not at.exception and metric(at, "Answers") == "6"
    at = sign_in(at)
    next(b for b in at.button if b.label == "Show results").click().run()
    said = texts(at)
    assert "Anything else?" in said and "More photos" in said
    assert "example.com" not in said + chart_text(at)
    phone = app(SURVEY_PAGE, secrets=form_sheet_env)
    assert "this survey is answered in that Form" in texts(phone) and not phone.get("button_group")


def test_many_screens_share_one_live_read_of_just_the_survey_tabs(sheets_emulator, tmp_path, monkeypatch):
    """Four projectors and four phones within the live interval cost one read of the survey's tabs (plus the page data's one)."""
    from data_sources.factory import demo_seed

    tabs = demo_seed(date.today())
    tabs["Settings"] = tabs["Settings"] + [["live refresh seconds", "60"]]  # the interval can't run out mid-test
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=tabs)
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    clear_caches()
    secrets = {
        "connections": {
            "gsheets": {
                "spreadsheet": f"https://docs.google.com/spreadsheets/d/{SHEET_KEY}/edit",
                "client_email": "rally@acme.iam.gserviceaccount.com",
            }
        }
    }
    try:
        for _ in range(4):
            assert metric(app(RESULTS_PAGE, secrets=secrets), "Answers") == "22"
            assert not app(SURVEY_PAGE, secrets=secrets).exception
        reads = sheets_emulator.requests("batch_get")
        assert len(reads) == 2
        assert {tab.strip("'") for tab in reads[1].ranges} == {"Survey", "Survey Rounds", "Moderation", "Ideas"}
    finally:
        clear_caches()


FORM_LINK = "https://forms.gle/rAlLyOpening2026"


@pytest.fixture
def form_link_env(sheets_emulator, tmp_path, monkeypatch):
    """The demo company on the emulator with a `Survey form link` setting (its Survey tab still Rally's own)."""
    tabs = demo_tabs(date.today())
    tabs["Settings"] = [*tabs["Settings"], ["Survey form link", FORM_LINK]]
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=tabs)
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    clear_caches()
    yield {
        "connections": {
            "gsheets": {
                "spreadsheet": f"https://docs.google.com/spreadsheets/d/{SHEET_KEY}/edit",
                "client_email": "rally@acme.iam.gserviceaccount.com",
            }
        },
        "rally": {"sheet_read_attempts": 1},
    }
    clear_caches()


def test_with_a_survey_form_link_the_survey_s_code_and_page_open_the_form(form_link_env):
    """Phones on mobile data answer a laptop's meeting in the Form: the slide's survey code and Answer the survey lead there."""
    slide = app("views/meeting.py", secrets=form_link_env, query={"slide": "7"})
    assert not slide.exception
    assert FORM_LINK.removeprefix("https://") in texts(slide)  # the link printed under the survey's code
    phone = app(SURVEY_PAGE, secrets=form_link_env)
    assert [b.proto.url for b in phone.get("link_button")] == [FORM_LINK]
    assert not phone.get("button_group")  # no Rally form to fill in beside it


# fmt: off
@pytest.mark.parametrize(
    ("value", "link", "problem"),
    [
        (FORM_LINK, FORM_LINK, None),
        ("  https://docs.google.com/forms/d/e/abc/viewform ", "https://docs.google.com/forms/d/e/abc/viewform", None),
        ("forms.gle/abc", "", "not an http(s) link (copy the Form's Send link) — ignored"),  # no scheme: not a link to open
        ("javascript:alert(1)", "", "not an http(s) link (copy the Form's Send link) — ignored"),
    ],
)
# fmt: on
def test_the_survey_form_link_setting_takes_only_a_web_link(value, link, problem):
    """A link phones can open, or the default (Rally's own survey page) and the row reported."""
    import pandas as pd

    from rally.core.settings import parse_settings

    settings, issues = parse_settings(pd.DataFrame({"row": [2], "Key": ["Survey form link"], "Value": [value]}))
    assert settings.survey_form_link == link
    assert [i.problem for i in issues] == ([problem] if problem else [])
