"""The weekly meeting in real Chromium: walk every presenter slide, vote from two phones, watch the live tally move."""

from __future__ import annotations

import re

from tests.browser.conftest import open_page, screenshot
from tests.browser.server import press_reveal

PROJECTOR = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SLIDES = [
    "the week at a glance",
    "Highlights",
    "Hero of the week",
    "Competition & leaderboards",
    "KPIs",
    "What we'll do better",
    "Over to you",
]


def no_errors(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def test_the_presenter_walks_every_slide_with_next_and_the_url_keeps_the_place(browser, rally_server):
    """From slide 1, Next reaches each slide in order; each is screenshotted; a reload stays on the slide."""
    context = browser.new_context(viewport=PROJECTOR)
    page = context.new_page()
    open_page(page, f"{rally_server.url}/meeting", "Slide 1 of 7")
    for number, title in enumerate(SLIDES, start=1):
        page.get_by_text(f"Slide {number} of 7").first.wait_for()
        page.locator("h1", has_text=title).first.wait_for()
        page.wait_for_timeout(400)  # charts and images settle after the text
        no_errors(page)
        assert re.search(rf"[?&]slide={number}(&|$)", page.url)
        screenshot(page, f"meeting-slide-{number}")
        if number < len(SLIDES):
            page.get_by_role("button", name="Next").click()
    page.reload()
    page.get_by_text("Slide 7 of 7").first.wait_for()
    page.get_by_role("button", name="Back").click()
    page.get_by_text("Slide 6 of 7").first.wait_for()
    context.close()


def vote_from_a_phone(browser, url: str, choice: int, name: str) -> None:
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    open_page(page, url, "Send my vote")
    page.get_by_test_id("stRadioOption").nth(choice).click()
    page.get_by_label("Your name (optional)", exact=True).and_(page.locator("input")).fill(name)
    page.get_by_role("button", name="Send my vote").click()
    page.get_by_text("Your vote is in").first.wait_for()
    no_errors(page)
    screenshot(page, f"vote-phone-{choice}")
    phone.close()


def test_two_phones_vote_and_the_projector_tally_follows_then_reveals(browser, rally_server):
    """The last slide counts votes live (its fragment refreshes on a timer, no reload); revealing shows the leader."""
    projector = browser.new_context(viewport=PROJECTOR)
    screen = projector.new_page()
    open_page(screen, f"{rally_server.url}/meeting?slide=7", "votes so far")
    counter = screen.get_by_text(re.compile(r"\d+ votes? so far")).first
    before = int(re.search(r"(\d+) votes? so far", counter.inner_text())[1])
    # The link the QR code holds, as printed under it (the short form has no scheme).
    vote_url = "http://" + re.search(
        r"\S+/vote\?week=\S+", screen.locator(".st-key-join-link-vote").first.inner_text()
    )[0].replace("\n", "")

    vote_from_a_phone(browser, vote_url, 0, "Priya")
    screen.get_by_text(f"{before + 1} vote{'s' if before + 1 != 1 else ''} so far").first.wait_for(timeout=15_000)
    vote_from_a_phone(browser, vote_url, 1, "")
    screen.get_by_text(f"{before + 2} votes so far").first.wait_for(timeout=15_000)
    assert screen.get_by_text("Results are hidden").count() == 1

    screen.get_by_text("Facilitator: reveal the vote").click()
    screen.get_by_label("Facilitator passcode", exact=True).and_(screen.locator("input")).fill("rally-demo")
    screen.get_by_role("button", name="Unlock").click()
    press_reveal(screen)
    # Two phones, two posts: a tie so far, and the slide says so.
    screen.get_by_text(re.compile(r"^🏆 (Most creative so far|A tie so far): ")).first.wait_for()
    screen.locator("h1").first.scroll_into_view_if_needed()
    screen.wait_for_timeout(500)  # the chart draws after the text
    no_errors(screen)
    screenshot(screen, "meeting-slide-7-revealed")
    projector.close()
