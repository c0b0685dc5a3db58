"""`viewers` under [rally] (Rally hosted on the open internet), on the real pages under AppTest: every page asks for the
company login first; a directors' link carries a signed token that expires and opens the directors' page alone."""

from __future__ import annotations

import time

import pytest
from streamlit.testing.v1 import AppTest

from rally.room.access import check_directors_token, directors_token
from tests.apptest import PAGES, ROOT, TIMEOUT, texts
from tests.test_roles import AUTH, FACILITATOR

SECRET = AUTH["cookie_secret"]
VIEWERS = {
    "auth": AUTH,
    "rally": {"viewers": "acme.example", "facilitator_emails": [FACILITATOR, "chair@board.example"]},
}
SIGNED_OUT = {"is_logged_in": False}
STAFF = {"is_logged_in": True, "email": "maya.patel@acme.example"}
DIRECTORS = "views/directors.py"


def session(user: dict, secrets: dict = VIEWERS, query: dict | None = None) -> AppTest:
    """A fresh browser session (a new tab, or an address typed into one) as `user`, run once."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    for key, value in secrets.items():
        at.secrets[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.user = user
    return at.run()


def on(at: AppTest, page: str) -> AppTest:
    if page == "views/kpis.py":
        at.session_state["kpi-section"] = "Table & share"  # the tab with the directors' link, opened
    return at.switch_page(page).run()


def signed_out_view(at: AppTest) -> bool:
    """Only the way in: the "Rally" title and the sign-in button, nothing from a page (no data, no table, no form)."""
    return (
        [t.value for t in at.title] == ["Rally"]
        and "viewer-sign-in" in {b.key for b in at.button}
        and not at.metric
        and not at.dataframe
        and not at.text_input
        and "Data as of" not in texts(at)
    )


@pytest.mark.parametrize("page", PAGES)
def test_with_viewers_set_every_page_asks_for_sign_in(demo_app_env, page):
    """Signed out, any page's address shows the sign-in and nothing of the page."""
    at = on(session(SIGNED_OUT), page)
    assert not at.exception and signed_out_view(at)
    assert "Rally is for acme.example: sign in with your company account." in texts(at)


# fmt: off
@pytest.mark.parametrize(
    ("user", "admitted"),
    [
        (STAFF, True),
        ({"is_logged_in": True, "email": "Maya.Patel@ACME.example"}, True),                 # case doesn't matter
        ({"is_logged_in": True, "email": "maya@gmail.com"}, False),
        ({"is_logged_in": True, "email": "maya@acme.example.evil.com"}, False),             # a domain is the whole domain
        ({"is_logged_in": True, "email": "maya@sub.acme.example"}, False),                  # …not its subdomains
        ({"is_logged_in": True, "email": "maya.patel@acme.example", "email_verified": False}, False),  # an unverified address proves nothing
        ({"is_logged_in": True, "email": "chair@board.example"}, True),                     # a facilitator from elsewhere
        ({"is_logged_in": True}, False),                                                    # a provider that sends no e-mail
    ],
)
# fmt: on
def test_only_signed_in_viewers_get_in(demo_app_env, user, admitted):
    """Viewers are the domain's verified addresses (and the facilitators); anyone else is told so and offered Sign out."""
    at = session(user)
    assert not at.exception
    if admitted:
        assert "People posting" in texts(at) and at.metric
    else:
        assert "can't open Rally here: it is for acme.example" in texts(at) and "viewer-sign-out" in {b.key for b in at.button}
        assert not at.metric


def test_a_list_of_addresses_lets_in_exactly_those(demo_app_env):
    """`viewers` as a list: a domain and a single outside address."""
    secrets = {**VIEWERS, "rally": {"viewers": ["acme.example", "advisor@outside.example"]}}
    assert session({"is_logged_in": True, "email": "advisor@outside.example"}, secrets).metric
    assert not session({"is_logged_in": True, "email": "other@outside.example"}, secrets).metric


def test_viewers_without_a_company_login_lets_nobody_in(demo_app_env):
    """`viewers` needs [auth]: without it every page says what to configure, and shows nothing."""
    at = on(session(STAFF, {"rally": {"viewers": "acme.example"}}), "views/this_week.py")
    assert "no company login is configured" in texts(at) and not at.metric and not at.button


# -- the directors' link ----------------------------------------------------------------------------------------------


def token(days: float = 30) -> str:
    return directors_token(SECRET, time.time() + days * 86_400)


def test_a_directors_token_opens_the_directors_page_alone_without_a_login(demo_app_env):
    """The token's tab shows the directors' page; typing another address in that tab is refused."""
    at = on(session(SIGNED_OUT, query={"token": token()}), DIRECTORS)
    assert not at.exception and "KPIs and programme health" in texts(at) and at.metric
    for other in ("views/meeting.py", "views/this_week.py", "views/survey_results.py", "views/data_health.py"):
        at = on(at, other)
        assert "This link opens the directors' page only." in texts(at) and not at.metric and not at.dataframe
    at = on(at, DIRECTORS)
    assert "KPIs and programme health" in texts(at)


def test_the_token_on_another_page_s_address_is_refused_too(demo_app_env):
    """A token pasted onto /meeting opens nothing but the directors' page."""
    at = on(session(SIGNED_OUT, query={"token": token()}), "views/meeting.py")
    assert "This link opens the directors' page only." in texts(at) and not at.metric


def test_without_the_token_the_directors_address_needs_the_login(demo_app_env):
    """/directors typed in a new tab without the token is like any page: sign in first."""
    assert signed_out_view(on(session(SIGNED_OUT, query={"view": "directors"}), DIRECTORS))


# fmt: off
@pytest.mark.parametrize(
    ("link", "says"),
    [
        (lambda: token(days=-1), "This directors' link has expired"),
        (lambda: token()[:-3] + "abc", "isn't valid"),                                       # altered
        (lambda: directors_token("another-rally-s-secret", time.time() + 86_400), "isn't valid"),  # signed by another Rally
    ],
)
# fmt: on
def test_an_expired_or_forged_token_opens_nothing(demo_app_env, link, says):
    at = on(session(SIGNED_OUT, query={"token": link()}), DIRECTORS)
    assert says in texts(at) and not at.metric and "KPIs and programme health" not in texts(at)


def test_the_facilitator_makes_the_directors_link_on_the_kpi_page(demo_app_env):
    """Signed in as a facilitator: the KPI page's link carries a token that checks out; a viewer who isn't one gets no link."""
    at = on(session({"is_logged_in": True, "email": FACILITATOR}), "views/kpis.py")
    [link] = [c.value for c in at.code if "/directors?" in c.value]
    made = link.split("token=")[1]
    assert "month=" in link and check_directors_token(SECRET, made, time.time()) == "valid"
    assert check_directors_token(SECRET, made, time.time() + 32 * 86_400) == "expired"

    staff = on(session(STAFF), "views/kpis.py")
    assert not [c for c in staff.code if "token=" in c.value]
    assert "is not on the facilitator list for the directors' link" in texts(staff)


def test_without_viewers_the_directors_link_stays_plain(demo_app_env):
    """An internal Rally keeps its plain /directors link and needs no login."""
    at = on(session(SIGNED_OUT, secrets={}), "views/kpis.py")
    assert any(c.value.endswith("/directors?month=" + c.value.split("month=")[1]) for c in at.code if "/directors" in c.value)
    assert not [c for c in at.code if "token=" in c.value]
