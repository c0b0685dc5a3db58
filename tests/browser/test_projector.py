"""The meeting in a real room, in Chromium: every slide fits the projector, and the QR codes take phones to an address they can open.

One Rally per module, started as the quickstart starts it (`streamlit run app.py`, listening on every interface),
so the network address its QR codes hold can be opened and checked like a phone would.
"""

from __future__ import annotations

import io
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
import requests
import zxingcpp
from PIL import Image
from streamlit import net_util

from rally.demo.company import demo_tabs
from rally.room.join import is_loopback
from rally.sheet.dataset import build_dataset
from rally.weekly.glance import meeting_week
from rally.weekly.votes import vote_candidates
from tests.browser.conftest import (
    CHROMIUM_ARGS,
    guide_screenshot,
    open_page,
    screenshot,
    settle,
    start_server,
    stop_server,
)
from tests.browser.server import press_reveal

SIZES = {"1280x800": {"width": 1280, "height": 800}, "1920x1080": {"width": 1920, "height": 1080}}
SLIDES = range(1, 8)
GUIDE_SLIDES = {1: "slide-1-glance", 2: "slide-2-highlights", 4: "slide-4-competition", 7: "slide-7-over-to-you"}
LAN_NAME = "meeting-room.lan"  # a name Chromium resolves to this machine: a laptop reached over the room's network


@pytest.fixture(scope="module")
def room_server(tmp_path_factory):
    """Rally on the demo, listening on every interface like `streamlit run app.py`, for this module."""
    server = start_server(tmp_path_factory.mktemp("rally-room"), address="0.0.0.0")  # noqa: S104 (the quickstart's default)
    yield server
    stop_server(server)


def measure(page) -> dict:
    """The page's height against the window's, and where Back, Next and every QR code end."""
    return page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const bottom = (el) => el ? el.getBoundingClientRect().bottom : null;
            const button = (name) => [...document.querySelectorAll('button')].find(b => b.innerText.trim().endsWith(name));
            return {
                height: main.scrollHeight,
                window: window.innerHeight,
                back: bottom(button('Back')),
                next: bottom(button('Next')),
                codes: [...document.querySelectorAll('[data-testid="stImage"] img')].map(bottom),
                right: Math.max(...[...main.querySelectorAll('*')].map(el => el.getBoundingClientRect().right)),
                width: window.innerWidth,
            };
        }"""
    )


def assert_fits(page, what: str) -> None:
    size = measure(page)
    assert size["height"] <= size["window"], f"{what} scrolls: {size['height']} px in a {size['window']} px window"
    assert size["back"] is not None and size["back"] <= size["window"], f"{what}: Back is below the fold"
    assert size["next"] is not None and size["next"] <= size["window"], f"{what}: Next is below the fold"
    assert all(bottom <= size["window"] for bottom in size["codes"]), f"{what}: a QR code is below the fold"
    assert size["right"] <= size["width"] + 1, f"{what} is wider than the projector"


def read_codes(page) -> list[str]:
    """Every QR code on the page, read back from how Chromium drew it (what a phone's camera sees)."""
    found = []
    images = page.locator('[data-testid="stImage"] img')
    for index in range(images.count()):
        picture = Image.open(io.BytesIO(images.nth(index).screenshot()))
        found += [code.text for code in zxingcpp.read_barcodes(picture) if code.format == zxingcpp.BarcodeFormat.QRCode]
    return found


def reveal_the_vote(browser, url: str) -> None:
    """A phone votes, then the facilitator reveals the result from one projector."""
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    open_page(page, f"{url}/vote", "Send my vote")
    page.get_by_test_id("stRadioOption").first.click()
    page.get_by_role("button", name="Send my vote").click()
    page.get_by_text("Your vote is in").first.wait_for()
    phone.close()
    projector = browser.new_context(viewport=SIZES["1280x800"])
    screen = projector.new_page()
    open_page(screen, f"{url}/meeting?slide=7", re.compile(r"votes? so far"))
    screen.get_by_text("Facilitator: reveal the vote").click()
    screen.get_by_label("Facilitator passcode", exact=True).and_(screen.locator("input")).fill("rally-demo")
    screen.get_by_role("button", name="Unlock").click()
    press_reveal(screen)
    projector.close()


def test_the_qr_codes_of_a_slide_opened_at_127_0_0_1_hold_the_machine_s_network_address(browser, room_server):
    """Opened at 127.0.0.1 (the quickstart's Local URL), both codes decode to the Network URL, which answers."""
    context = browser.new_context(viewport=SIZES["1280x800"])
    page = context.new_page()
    open_page(page, f"{room_server.url}/meeting?slide=7", re.compile(r"votes? so far"))
    settle(page)
    codes = read_codes(page)
    context.close()
    port = urlsplit(room_server.url).port
    network = net_util.get_internal_ip()
    assert not is_loopback(network), "this machine has no network address to test with"
    vote = next(code for code in codes if "/vote?" in code)
    survey = next(code for code in codes if code.endswith("/survey"))
    assert re.fullmatch(rf"http://{re.escape(network)}:{port}/vote\?week=\d{{4}}-W\d{{2}}", vote)
    assert survey == f"http://{network}:{port}/survey"
    assert requests.get(vote.replace("/vote?", "/_stcore/health?"), timeout=10).status_code == 200


def test_the_qr_codes_of_a_slide_opened_at_a_lan_address_hold_that_address(
    browser_type, browser_type_launch_args, room_server
):
    """A projector that reached Rally by a name on the room's network sends phones to that same name."""
    args = [*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {LAN_NAME} 127.0.0.1"]
    lan = browser_type.launch(**{**browser_type_launch_args, "args": args})
    try:
        page = lan.new_page(viewport=SIZES["1280x800"])
        port = urlsplit(room_server.url).port
        open_page(page, f"http://{LAN_NAME}:{port}/meeting?slide=7", re.compile(r"votes? so far"))
        settle(page)
        codes = read_codes(page)
    finally:
        lan.close()
    assert f"http://{LAN_NAME}:{port}/survey" in codes
    assert any(code.startswith(f"http://{LAN_NAME}:{port}/vote?week=") for code in codes)


@pytest.mark.parametrize("size", SIZES)
def test_every_slide_fits_the_projector_without_scrolling(browser, room_server, size):
    """Each slide's content, Back/Next and QR codes fit the window; the revealed vote too, on a second projector."""
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    for slide in SLIDES:
        open_page(page, f"{room_server.url}/meeting?slide={slide}", f"Slide {slide} of 7", menu=False)
        settle(page)
        page.wait_for_timeout(300)  # images and charts take their height after they draw
        assert_fits(page, f"slide {slide} at {size}")
        screenshot(page, f"projector-{size}-slide-{slide}")
        if size == "1280x800" and slide in GUIDE_SLIDES:
            guide_screenshot(page, GUIDE_SLIDES[slide])
    context.close()


def test_a_second_projector_opened_after_the_reveal_shows_the_result_and_it_fits(browser, room_server):
    """The reveal is server-wide: a fresh browser (another projector, a reload) shows the winner; it fits both sizes."""
    reveal_the_vote(browser, room_server.url)
    for size in SIZES:
        context = browser.new_context(viewport=SIZES[size])
        page = context.new_page()
        open_page(page, f"{room_server.url}/meeting?slide=7", "Slide 7 of 7", menu=False)
        page.get_by_text(re.compile(r"^🏆 (Most creative so far|A tie so far): ")).first.wait_for(timeout=20_000)
        assert page.get_by_text("Results are hidden").count() == 0
        settle(page)
        page.wait_for_timeout(300)
        assert_fits(page, f"the revealed vote at {size}")
        screenshot(page, f"projector-{size}-vote-revealed")
        if size == "1280x800":
            guide_screenshot(page, "vote-revealed")
        context.close()


def test_on_a_phone_every_post_of_the_week_is_two_taps_away_and_votable(browser, room_server):
    """At 390×844: a tap on a page of names, a tap on the post; every post of the week is listed once, with its person and platform."""
    dataset = build_dataset(demo_tabs(date.today()))
    week = meeting_week(date.today())
    expected = vote_candidates(dataset.posts, dataset.staff, week)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = phone.new_page()
    open_page(page, f"{room_server.url}/vote?week={week}", "Send my vote", menu=False)
    pages = page.get_by_test_id("stButtonGroup").get_by_role("radio")
    pages.first.wait_for()
    settle(page)
    labels = [text.strip() for text in pages.all_inner_texts()]
    assert len(labels) > 1, labels
    listed = []
    for label in labels:
        pages.filter(has_text=label).first.click()  # tap one: the page
        page.get_by_test_id("stRadio").get_by_text(f"Posts by {label}", exact=True).wait_for()
        settle(page)  # the rerun over: the list from before the tap no longer stands beside the new one
        options = page.get_by_test_id("stRadioOption")
        options.first.wait_for()
        listed += [text.split("\n")[0].strip() for text in options.all_inner_texts()]
    assert len(listed) == len(expected), f"{len(listed)} posts listed of {len(expected)}"
    for name, platform in zip(expected["name"], expected["platform"]):
        assert any(line.startswith(f"{name} · {platform} · ") for line in listed), (
            f"{name}'s {platform} post is missing"
        )
    page.get_by_test_id("stRadioOption").last.click()  # tap two: the post, on the last page
    page.get_by_role("button", name="Send my vote").click()
    page.get_by_text("Your vote is in").first.wait_for()
    screenshot(page, "vote-phone-390x844")
    guide_screenshot(page, "vote-phone")
    phone.close()


def test_the_facilitator_s_guide_pages_render_and_are_pictured(browser, room_server):
    """What the guide shows before and after the meeting: where phones join, the survey's controls, the directors' view."""
    context = browser.new_context(viewport=SIZES["1280x800"])
    page = context.new_page()
    open_page(page, f"{room_server.url}/connect", "Phones in the room")
    page.get_by_text("Phones in the room").scroll_into_view_if_needed()
    guide_screenshot(page, "connect-phones")
    open_page(page, f"{room_server.url}/survey_results", "Facilitator controls")
    page.get_by_text("Facilitator controls").first.click()
    page.get_by_label("Facilitator passcode", exact=True).and_(page.locator("input")).fill("rally-demo")
    page.get_by_role("button", name="Unlock").click()
    page.get_by_role("button", name="Start round").wait_for()
    guide_screenshot(page, "survey-controls")
    open_page(page, f"{room_server.url}/directors", "Programme health", menu=False)
    guide_screenshot(page, "directors")
    assert page.locator('[data-testid="stException"]').count() == 0
    context.close()
