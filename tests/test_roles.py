"""Roles on the real pages (AppTest): every facilitator control refused without the role and there with it,
by each way in (the demo passcode, a configured passcode, an OIDC login on the allow-list); the passcode's
slow-down; the directors' link read-only; the spam limit on every form.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from data_sources import server
from rally.core.contract import IDEAS, KUDOS, MODERATION, POSTS, SURVEY, SURVEY_ROUNDS, VOTES
from rally.demo.company import demo_tabs
from tests.apptest import ROOT, TIMEOUT, app, clear_caches, texts
from tests.emulator.sheets_emulator import FakeClock
from tests.sources import SHEET_KEY
from tests.test_log_post import log_post
from tests.test_meeting_pages import candidate_keys, last_week

SHEET = {
    "spreadsheet": f"https://docs.google.com/spreadsheets/d/{SHEET_KEY}/edit",
    "client_email": "rally@acme.iam.gserviceaccount.com",
}
FACILITATOR = "fac@acme.example"
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-cookie-secret-for-tests",
    "client_id": "rally-client",
    "client_secret": "rally-client-secret",
    "server_metadata_url": "https://login.acme.example/.well-known/openid-configuration",
}

# Every facilitator control, as (page, the gate's wording, a test that the control itself is on the page).
# The encouragement list and the training tracker are private views: their "control" is the page's content.
CONTROLS = [
    (
        "views/survey_results.py",
        "survey controls",
        lambda at: "FormSubmitter:new-round-Start round" in keys(at) and {"Show results", "Hide results"} & labels(at),
    ),
    (
        "views/survey_results.py",
        "survey controls",
        lambda at: any(k.startswith("hide-") for k in keys(at)),
    ),  # hide a text answer
    ("views/ideas.py", "hiding ideas", lambda at: any(k.startswith("hide-idea-") for k in keys(at))),
    (
        "views/data_health.py",
        "the rows and values to fix",
        lambda at: len(at.dataframe) > 1,
    ),  # the counts table alone for everyone
    ("views/encouragement.py", "the encouragement list", lambda at: "Trained, no post yet" in texts(at)),
    ("views/training.py", "the training tracker", lambda at: len(at.dataframe) >= 1),
]
MEETING_VOTE = {"slide": "7"}


def keys(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key}


def labels(at: AppTest) -> set[str]:
    return {b.label for b in at.button}


def unlock(at: AppTest, what: str, passcode: str) -> AppTest:
    at.text_input(key=f"passcode-input-{what}").input(passcode)
    return at.button(key=f"FormSubmitter:passcode-{what}-Unlock").click().run()


def queued(tab: str) -> list[dict[str, str]]:
    return [p.row for p in server.for_secrets({}).outbox().pending(tab, sent_since=0.0)]


@pytest.fixture
def clock():
    """The server's clock (throttle, spam limit) under the test's hand; the real one back afterwards."""
    fake = FakeClock()
    server.set_clock(fake)
    yield fake
    server.set_clock()


@pytest.fixture
def sheet_env(sheets_emulator, tmp_path, monkeypatch):
    """The demo company in a Google Sheet in the emulator: not the demo, so no demo passcode."""
    sheets_emulator.add_spreadsheet(SHEET_KEY, tabs=demo_tabs(date.today()))
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("RALLY_DATA_DIR", str(tmp_path))
    clear_caches()
    yield
    clear_caches()


# -- the demo passcode --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("page", "what", "control_shown"), CONTROLS)
def test_without_the_role_a_facilitator_control_is_refused_and_with_it_is_there(
    demo_app_env, page, what, control_shown
):
    """A staff session sees a locked gate and not the control; the demo passcode unlocks it on the same page."""
    at = app(page)
    assert not at.exception and not control_shown(at)
    assert "Facilitator only" in texts(at) and "rally-demo" in texts(at)  # the demo says its passcode on screen
    at = unlock(at, what, "rally-demo")
    assert not at.exception and control_shown(at)
    assert "Facilitator controls are on in this browser tab" in texts(at)


def test_the_vote_reveal_is_the_facilitator_s(demo_app_env):
    """On the meeting's last slide, the reveal button appears only after the passcode."""
    at = app("views/meeting.py", query=MEETING_VOTE)
    assert "reveal-vote" not in keys(at)
    at = unlock(at, "reveal the vote", "rally-demo")
    assert "reveal-vote" in keys(at)


def test_a_control_drawn_for_a_facilitator_does_nothing_once_the_role_is_gone(demo_app_env):
    """Signed out (in another tab of the sidebar, say) before clicking Hide: the click writes nothing."""
    at = unlock(app("views/ideas.py"), "hiding ideas", "rally-demo")
    hide = next(b for b in at.button if (b.key or "").startswith("hide-idea-"))
    at.session_state["rally_facilitator"] = False
    at = hide.click().run()
    assert queued(MODERATION.name) == []
    assert not any((b.key or "").startswith("hide-idea-") for b in at.button)


def test_signing_out_locks_every_page_again(demo_app_env):
    """The sidebar's Sign out ends the role for the whole browser tab."""
    at = unlock(app("views/training.py"), "the training tracker", "rally-demo")
    at = at.button(key="sidebar-sign-out").click().run()
    assert "passcode-input-the training tracker" in {t.key for t in at.text_input}
    at.switch_page("views/encouragement.py").run()
    assert "passcode-input-the encouragement list" in {t.key for t in at.text_input}


# -- the passcode's slow-down ---------------------------------------------------------------------------------------


def test_wrong_passcodes_slow_down_for_every_session_and_are_never_echoed(demo_app_env, clock):
    """Two wrong tries are free, the third sets a wait that a new browser session shares; even the right passcode waits it out."""
    what = "the training tracker"
    at = app("views/training.py")
    for guess in ("guess-one", "guess-two"):
        at = unlock(at, what, guess)
        assert "That passcode isn't right." in texts(at) and "wait" not in texts(at)
    at = unlock(at, what, "guess-three")
    assert "Too many wrong tries: wait 2 s" in texts(at)
    assert not any(guess in texts(at) for guess in ("guess-one", "guess-two", "guess-three"))

    other = unlock(app("views/training.py"), what, "rally-demo")  # a fresh session, the right passcode, during the wait
    assert "Too many wrong tries: wait 2 s, then try again." in texts(other) and not other.dataframe
    clock.advance(2)
    other = unlock(other, what, "rally-demo")
    assert other.dataframe and "Facilitator controls are on" in texts(other)


# -- a configured passcode, and nothing configured ------------------------------------------------------------------


def test_a_configured_passcode_replaces_the_demo_one_and_is_never_shown(sheet_env):
    secrets = {
        "connections": {"gsheets": SHEET},
        "rally": {"sheet_read_attempts": 1, "facilitator_passcode": "orange-kite-42"},
    }
    at = app("views/training.py", secrets=secrets)
    assert "rally-demo" not in texts(at) and "orange-kite-42" not in texts(at)
    at = unlock(at, "the training tracker", "rally-demo")
    assert "That passcode isn't right." in texts(at) and not at.dataframe
    at = unlock(at, "the training tracker", "orange-kite-42")
    assert at.dataframe and "orange-kite-42" not in texts(at)


def test_a_real_sheet_with_no_passcode_and_no_login_has_no_way_in(sheet_env):
    """Never a default passcode on a company's own Sheet: the controls are off and the page says how to turn them on."""
    at = app("views/training.py", secrets={"connections": {"gsheets": SHEET}, "rally": {"sheet_read_attempts": 1}})
    assert "Facilitator controls are off" in texts(at) and not at.text_input and not at.dataframe
    at.session_state["rally_facilitator"] = True  # a session flag alone opens nothing
    at.run()
    assert not at.dataframe


# -- an OIDC login with an allow-list -------------------------------------------------------------------------------

OIDC_SECRETS = {"auth": AUTH, "rally": {"facilitator_emails": [FACILITATOR.upper()]}}


# fmt: off
@pytest.mark.parametrize(
    ("user", "allowed", "says"),
    [
        ({"is_logged_in": False}, False, "Sign in as facilitator"),
        ({"is_logged_in": True, "email": "staff@acme.example"}, False, "staff@acme.example is not on the facilitator list"),
        ({"is_logged_in": True, "email": FACILITATOR}, True, "Facilitator controls are on"),  # the list matches ignoring case
        ({"is_logged_in": True, "email": FACILITATOR, "email_verified": False}, False, "is not on the facilitator list"),  # an unverified address proves nothing
        ({"is_logged_in": True}, False, "This account is not on the facilitator list"),  # a provider that sends no e-mail
    ],
)
# fmt: on
def test_with_a_company_login_only_the_allow_list_gets_the_controls(demo_app_env, user, allowed, says):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in OIDC_SECRETS.items():
        at.secrets[key] = value
    at.user = user
    at.run()
    at.switch_page("views/survey_results.py").run()
    assert not at.exception
    assert ("FormSubmitter:new-round-Start round" in keys(at)) is allowed
    assert says in texts(at) + " ".join(labels(at))
    assert "passcode-input-survey controls" not in {t.key for t in at.text_input}  # no passcode route beside the login
    assert "rally-client-secret" not in texts(at)


def test_with_a_company_login_the_passcode_session_flag_opens_nothing(demo_app_env):
    """Once [auth] is configured the passcode route is closed, even to a session that held the flag."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in OIDC_SECRETS.items():
        at.secrets[key] = value
    at.user = {"is_logged_in": True, "email": "staff@acme.example"}
    at.session_state["rally_facilitator"] = True
    at.run()
    at.switch_page("views/encouragement.py").run()
    assert "not on the facilitator list" in texts(at) and "Trained, no post yet" not in texts(at)


# -- the directors' link ----------------------------------------------------------------------------------------------


def test_the_directors_link_has_no_control_that_changes_anything(demo_app_env):
    """Read-only by construction: a month picker, downloads and Refresh; no form, no passcode box, no menu into the meeting."""
    at = app(query={"view": "directors"})
    assert not at.exception and "KPIs and programme health" in texts(at)
    assert labels(at) == {"Refresh now"}
    assert not at.text_input and not at.text_area and [s.label for s in at.selectbox] == ["Month"]
    at.session_state["rally_facilitator"] = True  # even a facilitator's session gets no controls there
    at.run()
    assert labels(at) <= {"Refresh now", "Sign out"} and not at.text_input


# -- the spam limit on every form --------------------------------------------------------------------------------------


def fill_idea(at: AppTest) -> AppTest:
    at.text_area[0].input("Post the team photo")
    return at.button(key="FormSubmitter:idea-Send idea").click().run()


def fill_kudos(at: AppTest) -> AppTest:
    """The kudos form gets a fresh key after each send (so it empties): find this round's widgets."""
    [to] = [s for s in at.selectbox if (s.key or "").startswith("kudos-to-")]
    generation = to.key.removeprefix("kudos-to-")
    to.set_value("Maya Patel")
    at.text_area(key=f"kudos-message-{generation}").input("Thank you!")
    return at.button(key=f"FormSubmitter:kudos-{generation}-Send kudos").click().run()


def fill_vote(at: AppTest) -> AppTest:
    """Votes for the week's first post (each vote replaces the session's last one in the count, but every send is a row)."""
    at.radio[0].set_value(candidate_keys(last_week())[0])
    return at.button(key="FormSubmitter:vote-Send my vote").click().run()


_links = itertools.count(1)


def fill_log_post(at: AppTest) -> AppTest:
    return log_post(at, f"https://www.linkedin.com/posts/acme-spam-check-{next(_links)}")


FORMS = [
    ("views/log_post.py", {}, POSTS.name, fill_log_post),
    ("views/ideas.py", {}, IDEAS.name, fill_idea),
    ("views/kudos.py", {}, KUDOS.name, fill_kudos),
    ("views/vote.py", {"week": last_week()}, VOTES.name, fill_vote),
]


@pytest.mark.parametrize(("page", "query", "tab", "fill"), FORMS)
def test_a_session_over_the_spam_limit_sends_nothing_until_a_minute_has_passed(demo_app_env, clock, page, query, tab, fill):
    """Ten sends a minute per browser session; the eleventh is refused with a wait, nothing queued; a minute later it goes."""
    at = app(page, query=query)
    for _ in range(10):
        at = fill(at)
        assert not at.exception and "a lot of submissions" not in texts(at)
    sent = len(queued(tab))
    at = fill(at)
    assert "That's a lot of submissions in a minute" in texts(at) and len(queued(tab)) == sent
    clock.advance(60)
    at = fill(at)
    assert "a lot of submissions" not in texts(at) and len(queued(tab)) > sent


def test_the_survey_form_has_the_spam_limit_too(demo_app_env, clock):
    """The survey replaces a session's earlier answer, so its limit shows as the refusal, not as row counts."""
    from tests.test_survey_pages import answer_everything

    at = app("views/survey.py")
    for _ in range(10):
        at = answer_everything(at)
        assert not at.exception and "a lot of submissions" not in texts(at)
        at = next(b for b in at.button if b.label == "Change my answers").click().run()
    before = len(queued(SURVEY.name))
    at = answer_everything(at)
    assert "That's a lot of submissions in a minute" in texts(at) and len(queued(SURVEY.name)) == before
    assert queued(SURVEY_ROUNDS.name) == []
