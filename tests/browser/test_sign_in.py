"""Sign-in in real Chromium: the passcode slow-down is per client, so a guesser elsewhere in the room never delays the facilitator.

Each browser context comes from its own address, as phones and laptops do: the test passes it the way a reverse
proxy does (X-Forwarded-For, which the server trusts from 127.0.0.1 only).
"""

from __future__ import annotations

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.server import open_page, screenshot, wait_until_drawn

PROJECTOR = {"width": 1280, "height": 800}
GUESSER, FACILITATOR = "198.51.100.66", "198.51.100.10"
WAIT = "Too many wrong tries"


def client(browser, address: str):
    """A browser context whose requests (the page and its WebSocket) come from `address`."""
    return browser.new_context(viewport=PROJECTOR, extra_http_headers={"X-Forwarded-For": address})


def try_passcode(page, passcode: str) -> str:
    """Type `passcode` into the training tracker's gate, wait for the rerun it starts, and return what the page answers."""
    page.get_by_label("Facilitator passcode").fill(passcode)
    page.get_by_role("button", name="Unlock").click()
    try:  # the click starts a rerun; on a fast machine it may be over before we look
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="running"]', timeout=3_000)
    except PlaywrightTimeout:
        pass
    wait_until_drawn(page)
    answer = page.locator('[data-testid="stAlertContentError"]').or_(page.get_by_text("Facilitator controls are on"))
    return answer.first.inner_text()


def seconds_to_wait(answer: str) -> int:
    """The N of "wait N s" in the throttle's answer."""
    return int(re.search(r"wait (\d+) s", answer)[1])


def test_a_second_client_s_wrong_passcodes_never_delay_the_facilitator(browser, rally_server):
    """A guesser's third wrong try earns its address a wait; the facilitator, from another address, gets in at once.

    Every page is open before the facilitator tries, and the guesser's second tab, tried after the facilitator's, is
    still held back: the guesser's wait was on when the facilitator got in.
    """
    guesser_context, facilitator_context = client(browser, GUESSER), client(browser, FACILITATOR)
    try:
        guesser, guesser_other_tab = guesser_context.new_page(), guesser_context.new_page()
        facilitator = facilitator_context.new_page()
        for page in (guesser, guesser_other_tab, facilitator):
            open_page(page, f"{rally_server.url}/training", "Facilitator only")

        answers = [try_passcode(guesser, f"guess-{n}") for n in range(3)]
        assert "isn't right" in answers[0] and WAIT not in answers[1] and WAIT in answers[2]
        # The real server's clock can't be moved: two more wrong tries, each once its wait is over, make the wait 8 s,
        # long enough for the two tries below on a busy machine.
        for _ in range(2):
            guesser.wait_for_timeout(1000 * seconds_to_wait(answers[-1]) + 250)
            answers.append(try_passcode(guesser, "guess-again"))
        assert seconds_to_wait(answers[-1]) == 8
        assert "Facilitator controls are on" in try_passcode(facilitator, "rally-demo")
        assert WAIT in try_passcode(guesser_other_tab, "rally-demo"), "the guesser's own address still waits"

        assert facilitator.get_by_text(WAIT).count() == 0
        facilitator.locator('[data-testid="stDataFrame"]').first.wait_for()  # the tracker itself is there
        screenshot(guesser, "sign-in-guesser-waits")
        screenshot(facilitator, "sign-in-facilitator-unlocked")
    finally:
        guesser_context.close()
        facilitator_context.close()
