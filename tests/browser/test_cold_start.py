"""A fresh `streamlit run`: the first page shows its title and a spinner before its data, then draws in their place."""

from __future__ import annotations

# Records, as the page is built, the order in which the title, a spinner and the page's figures first appear.
WATCH = """
window.__seen = [];
new MutationObserver(() => {
    const seen = window.__seen;
    const mark = (what, present) => { if (present && !seen.includes(what)) seen.push(what); };
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return;
    mark('title', [...main.querySelectorAll('h1')].some(h => h.textContent.includes('This week')));
    mark('spinner', !!main.querySelector('[data-testid="stExpanderIconSpinner"], [data-testid="stSpinner"]'));
    mark('figures', !!main.querySelector('[data-testid="stMetricValue"]'));
}).observe(document, {subtree: true, childList: true, attributes: true});
"""


def test_the_first_page_of_a_fresh_server_shows_its_title_and_a_spinner_before_its_data(page, rally_server):
    """The module's server has drawn nothing yet: the title and a spinner come first, then the figures, one title in the end."""
    page.add_init_script(WATCH)
    page.goto(rally_server.url)
    page.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]').getAttribute('data-test-script-state') === 'notRunning'"
    )
    seen = page.evaluate("window.__seen")
    assert seen.index("title") < seen.index("figures") and seen.index("spinner") < seen.index("figures"), seen
    assert page.locator('[data-testid="stMain"] h1').count() == 1
    assert page.locator('[data-testid="stExpanderIconSpinner"]').count() == 0
