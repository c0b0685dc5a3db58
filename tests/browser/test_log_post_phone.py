"""On a phone: log a post in real Chromium at 390×844, then find it on My progress in the same session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import open_page, screenshot

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
SUMMARY = "Phone test: our stand at RetailTech Live"


@pytest.fixture
def phone(browser) -> Iterator:
    """A phone-sized page (390×844, touch) in its own browser context."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    yield page
    context.close()


def test_a_post_logged_on_a_phone_shows_on_my_progress(phone, rally_server):
    """Pick a name, paste a link, send: the thank-you shows, and My progress lists the post with the name remembered."""
    open_page(phone, f"{rally_server.url}/log_post", "Log it here")
    name = phone.get_by_role("combobox", name="Your name")
    name.wait_for(state="visible")
    screenshot(phone, "log-post-phone-empty")
    name.click()
    name.fill("Maya Pat")
    phone.get_by_role("option", name="Maya Patel").click()
    phone.get_by_role("textbox", name="Link to the post").fill("https://www.linkedin.com/posts/maya-phone-test-1")
    phone.get_by_role("textbox", name="What's it about? (one line, optional)").fill(SUMMARY)
    phone.get_by_role("button", name="Log my post").click()
    phone.get_by_text("Logged — thank you, Maya Patel!").wait_for()
    phone.get_by_text(SUMMARY).first.wait_for()
    screenshot(phone, "log-post-phone-logged")

    phone.get_by_role("link", name="See my points, badges and streak").click()
    phone.get_by_text("Posting streak").wait_for()
    phone.get_by_text(SUMMARY).first.wait_for()
    screenshot(phone, "my-progress-phone")
    assert phone.locator('[data-testid="stException"]').count() == 0
    # Nothing wider than the phone: no sideways scrolling on the form or the progress page.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_maya_typed_alone_is_asked_about_and_logged_as_maya_patel(phone, rally_server):
    """ "Maya" and Enter is never silently a new person: "Did you mean Maya Patel?", and yes logs it as hers."""
    open_page(phone, f"{rally_server.url}/log_post", "Log it here")
    name = phone.get_by_role("combobox", name="Your name")
    name.click()
    name.fill("Maya")
    name.press("Enter")  # the typed text itself, as the list's "Add: Maya" would take it
    phone.get_by_role("textbox", name="Link to the post").fill("https://www.linkedin.com/posts/maya-phone-test-2")
    phone.get_by_role("button", name="Log my post").click()
    dialog = phone.get_by_role("dialog")
    dialog.get_by_text("“Maya” isn't on the Staff list. Did you mean Maya Patel?").wait_for()
    assert dialog.get_by_role("button", name="No, I'm new: add “Maya”").is_visible()
    screenshot(phone, "log-post-phone-did-you-mean")
    dialog.get_by_role("button", name="Yes, I'm Maya Patel").click()
    phone.get_by_text("Logged — thank you, Maya Patel!").wait_for()
    phone.get_by_text("maya-phone-test-2").first.wait_for()  # first in Your latest posts
    assert phone.locator('[data-testid="stException"]').count() == 0
