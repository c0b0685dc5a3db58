"""The meeting in real Chromium: the facilitator starts a round, two phones answer, the projector counts them without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import open_page, screenshot, start_server, stop_server

PROJECTOR = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ROUND = "Browser check-in"


@pytest.fixture(scope="module")
def survey_server(tmp_path_factory):
    """A Rally server on its own demo store, so rounds started here don't meet other modules' tests."""
    server = start_server(tmp_path_factory.mktemp("survey-server"))
    yield server
    stop_server(server)


def answers_count(page):
    return page.locator('[data-testid="stMetricValue"]').first


def open_phone(browser, url: str):
    """A phone-sized browser starts loading the survey (phones in a room open the link at about the same time)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(f"{url}/survey", wait_until="commit")
    return phone


def answer(phone, n: int) -> None:
    """Answer the required questions and one optional one, then send; the phone says it was saved."""
    phone.get_by_text(f"Round: {ROUND}").wait_for(timeout=30_000)
    phone.get_by_role("radiogroup", name="How passionate are you about social media?").get_by_role(
        "radio", name="4", exact=True
    ).click()
    phone.get_by_role("radiogroup", name="How confident do you feel posting about your work?").get_by_role(
        "radio", name="2", exact=True
    ).click()
    phone.get_by_text("Sometimes", exact=True).click()
    phone.get_by_text("LinkedIn", exact=True).click()
    phone.get_by_text("Finding the time", exact=True).click()
    phone.get_by_label("What would make our social media better? (optional)").fill(f"More video, phone {n}")
    if n == 1:
        screenshot(phone, "survey-phone-filled")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_text("Thanks — saved.")).to_be_visible(timeout=15_000)
    if n == 1:
        screenshot(phone, "survey-phone-saved")
    phone.context.close()


def test_two_phones_answer_and_the_projector_counts_them_without_a_reload(browser, survey_server):
    """The projector's counter goes 0 → 1 → 2 on its live timer while two phone-sized browsers send their answers."""
    projector_context = browser.new_context(viewport=PROJECTOR)
    projector = projector_context.new_page()
    open_page(projector, f"{survey_server.url}/survey_results", "Facilitator controls")
    projector.get_by_text("Facilitator controls").click()
    projector.get_by_label("Facilitator passcode").fill("rally-demo")
    projector.get_by_role("button", name="Unlock").click()
    round_name = projector.get_by_label("Start a new round")
    round_name.fill(ROUND)
    projector.get_by_role("button", name="Start round").click()
    expect(projector.get_by_text(ROUND).first).to_be_visible(timeout=15_000)
    expect(answers_count(projector)).to_have_text("0", timeout=15_000)
    projector.get_by_role("button", name="Show results").click()
    expect(projector.get_by_role("button", name="Hide results")).to_be_visible(timeout=15_000)
    projector.get_by_text("Facilitator controls", exact=True).click()  # fold the controls away for the room
    navigations = []
    projector.on("framenavigated", lambda frame: navigations.append(frame.url))

    phones = [open_phone(browser, survey_server.url) for _ in range(2)]
    answer(phones[0], 1)
    expect(answers_count(projector)).to_have_text("1", timeout=10_000)
    answer(phones[1], 2)
    expect(answers_count(projector)).to_have_text("2", timeout=10_000)
    expect(projector.get_by_text("More video, phone 2")).to_be_visible(timeout=10_000)

    assert navigations == [], "the projector must update in place, never reload"
    assert projector.locator('[data-testid="stException"]').count() == 0
    projector.wait_for_timeout(500)
    screenshot(projector, "survey-projector-live")
    projector_context.close()
