"""The digest delivered: a real SMTP server and an HTTP server standing in for Slack and Teams, the message read back."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from data_sources.config import ConfigError
from data_sources.delivery import delivery_settings, send_digest
from data_sources.retry import RetryPolicy
from rally.sheet.dataset import build_dataset
from rally.weekly.digest import digest_data, digest_subject, digest_text
from rally.weekly.digest_messages import ADAPTIVE_CARD, slack_message, teams_message
from rally.weekly.meeting import weekly_meeting
from tests.delivery_servers import SMTP_PASSWORD, free_port
from tests.test_cli import rally, write_secrets
from tests.test_digest import WEEK, small_sheet

SLACK_PATH = "/services/T0RALLY/B0DIGEST/abcdefghijklmnopqrstuvwx"
TEAMS_PATH = "/workflows/4f1c/triggers/manual/paths/invoke?api-version=1&sig=teams-signature-0123456789"
NO_WAIT = RetryPolicy(attempts=3, base_seconds=0.0, cap_seconds=0.0)


@pytest.fixture(scope="module")
def data():
    """The small sheet's digest (a hostile summary, an opted-out person, a tie)."""
    return digest_data(weekly_meeting(build_dataset(small_sheet()), WEEK))


class _Table(HTMLParser):
    """The cells of the HTML part's leaderboard table, row by row, and every href."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.hrefs: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        self.hrefs += [value for name, value in attrs if name == "href"]

    def handle_data(self, text):
        if self._cell is not None:
            self._cell.append(text)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None


def leaderboard_cells(data: dict) -> list[list[str]]:
    return [
        [str(r["rank"]), r["name"], r["team"]] + [f"{r[k]:,}" for k in ("points", "posts", "reach", "engagements")]
        for r in data["leaderboard"]
    ]


def assert_is_the_digest(message, data: dict) -> None:
    """Subject, a text part and an HTML part, with the digest's figures in each."""
    assert message["Subject"] == digest_subject(data)
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # lines travel as CRLF
    html = message.get_body(("html",)).get_content().replace("\r\n", "\n")
    assert text == digest_text(data)
    t = data["totals"]
    figures = f"{t['posts']:,} posts by {t['people']:,} people, reaching {t['reach']:,} with {t['engagements']:,} engagements."
    assert figures in text
    table = _Table()
    table.feed(html)
    assert [row for row in table.rows if len(row) == 7][1:] == leaderboard_cells(data)
    assert f"<strong>{t['posts']:,} posts</strong> by <strong>{t['people']:,} people</strong>" in html
    assert all(h.startswith(("https://", "http://")) for h in table.hrefs)
    assert "src=" not in html.replace("&lt;img src=x", "")  # no image or outside file is fetched by the reader


def test_the_digest_arrives_by_email_with_its_text_and_html_parts(smtp_server, data):
    """STARTTLS with a login, SSL with a login, or plain: one message to every recipient, read back whole."""
    settings = delivery_settings({"smtp": smtp_server.settings_table()})
    [result] = send_digest(data, settings)
    assert result.ok, result.message
    assert result.message == "Sent to 2 recipients through 127.0.0.1."
    [(sender, recipients, message)] = smtp_server.messages
    assert (sender, recipients) == ("rally@acme.example", ["all-staff@acme.example", "board@acme.example"])
    assert message["To"] == "all-staff@acme.example, board@acme.example"
    assert_is_the_digest(message, data)
    assert "&lt;img src=x onerror=alert(1)&gt;" in message.get_body(("html",)).get_content()


def test_slack_and_teams_get_their_own_formats(webhooks, data):
    """Slack gets Block Kit, Teams an Adaptive Card attachment; both carry the digest's totals."""
    settings = delivery_settings(
        {"slack": {"webhook_url": webhooks.url(SLACK_PATH)}, "teams": {"webhook_url": webhooks.url(TEAMS_PATH)}}
    )
    results = send_digest(data, settings)
    assert [(r.channel, r.ok) for r in results] == [("slack", True), ("teams", True)]
    [slack] = webhooks.hook(SLACK_PATH).bodies
    [teams] = webhooks.hook(TEAMS_PATH).bodies
    assert slack == json.loads(json.dumps(slack_message(data)))
    assert teams == json.loads(json.dumps(teams_message(data)))
    t = data["totals"]
    fields = {f["text"].split("\n")[0].strip("*"): f["text"].split("\n")[1] for f in slack["blocks"][1]["fields"]}
    assert fields == {
        "Posts": f"{t['posts']:,}",
        "People posting": f"{t['people']:,}",
        "Reach": f"{t['reach']:,}",
        "Engagements": f"{t['engagements']:,}",
    }
    [attachment] = teams["attachments"]
    assert attachment["contentType"] == ADAPTIVE_CARD
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    facts = next(b for b in card["body"] if b["type"] == "FactSet")["facts"]
    assert {f["title"]: f["value"] for f in facts} == fields


def _strings_read_as_markup(message: dict) -> list[str]:
    """Every string Slack reads as mrkdwn or Teams as Markdown (TextBlock text, FactSet)."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "TextBlock"):
                found.append(node["text"])
            if node.get("type") == "FactSet":
                found.extend(f["title"] + f["value"] for f in node["facts"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks", message.get("attachments")))
    return found


@pytest.mark.parametrize("build", [slack_message, teams_message], ids=["slack", "teams"])
def test_sheet_text_never_lands_where_markup_is_read(build, data):
    """Names, summaries and notes go in plain-text elements; markup fields hold only Rally's own words and figures."""
    sheet_words = ("onerror", "javascript", "Maya", "Leo", "script")
    assert not [s for s in _strings_read_as_markup(build(data)) for w in sheet_words if w in s]
    links = [n for n in json.dumps(build(data)).split('"') if n.startswith(("http://", "https://", "javascript:"))]
    assert links and all(link.startswith("https://") or "adaptivecards.io" in link for link in links)


def _send(webhooks, answers, data, sleeps):
    webhooks.hook(SLACK_PATH).answers.extend(answers)
    settings = delivery_settings({"slack": {"webhook_url": webhooks.url(SLACK_PATH)}})
    return send_digest(data, settings, policy=NO_WAIT, sleep=sleeps.append)[0]


# fmt: off
@pytest.mark.parametrize(
    ("answers", "ok", "posts", "says", "retryable"),
    [
        ([], True, 1, "Posted to Slack.", False),
        ([(404, "no_service", {})], False, 1, "Slack answered HTTP 404: no_service — the webhook address no longer exists", False),
        ([(410, "channel_is_archived", {})], False, 1, "the channel was archived", False),
        ([(429, "rate_limited", {"Retry-After": "1"}), (200, "ok", {})], True, 2, "Posted to Slack.", False),  # waits as told, then posts
        ([(429, "rate_limited", {"Retry-After": "3600"})], False, 1, "Slack is busy (HTTP 429: rate_limited)", True),  # an hour: reported, not waited
        ([(503, "<html><body><h1>503 Service Unavailable</h1></body></html>", {"Content-Type": "text/html"})] * 3,
         False, 3, "Slack is busy (HTTP 503); try again in a minute.", True),  # an error page is summarised, never shown
        ([(200, "Microsoft Teams endpoint returned HTTP error 429", {})] * 3, False, 3, "is busy", True),  # the old connectors' way
    ],
)
# fmt: on
def test_a_webhook_failure_is_one_readable_sentence(webhooks, data, answers, ok, posts, says, retryable):
    """Each answer a webhook can give becomes a sentence without HTML or the secret address; passing trouble is retried."""
    sleeps: list[float] = []
    result = _send(webhooks, answers, data, sleeps)
    assert (result.ok, result.retryable) == (ok, retryable)
    assert says in result.message
    assert len(webhooks.hook(SLACK_PATH).bodies) == posts
    assert "<" not in result.message and "abcdefghijklmnop" not in result.message and "127.0.0.1" not in result.message
    if answers and answers[0][2].get("Retry-After") == "1":
        assert sleeps == [1.0]


def test_a_wrong_smtp_password_is_named_without_the_password(starttls_smtp, data):
    """The server's refusal is reported with what to check; neither password appears; nothing is delivered."""
    table = starttls_smtp.settings_table(password="wrong-password-987")
    [result] = send_digest(data, delivery_settings({"smtp": table}), policy=NO_WAIT, sleep=lambda s: None)
    assert not result.ok and not result.retryable
    assert "refused the user name or password" in result.message and "check user and password" in result.message
    assert "wrong-password-987" not in result.message and SMTP_PASSWORD not in result.message
    assert starttls_smtp.messages == []


def test_an_untrusted_certificate_says_how_to_trust_it(starttls_smtp, data):
    """Without the company's certificate authority the secure connection is refused, and ca_file is named."""
    table = starttls_smtp.settings_table()
    del table["ca_file"]
    [result] = send_digest(data, delivery_settings({"smtp": table}), policy=NO_WAIT, sleep=lambda s: None)
    assert not result.ok and "certificate isn't trusted" in result.message and "ca_file" in result.message


def test_a_server_that_is_not_there_is_tried_again_then_reported(data):
    """Nothing listening: three quick tries, then a retryable sentence naming host and port."""
    sleeps: list[float] = []
    table = {"host": "127.0.0.1", "port": free_port(), "security": "none", "from": "rally@acme.example", "to": "a@acme.example"}
    [result] = send_digest(data, delivery_settings({"smtp": table}), policy=NO_WAIT, sleep=sleeps.append)
    assert not result.ok and result.retryable and len(sleeps) == 2
    assert result.message.startswith("Nothing answers on 127.0.0.1 port")


def test_channels_are_independent(starttls_smtp, webhooks, data):
    """Teams failing doesn't stop the e-mail or Slack, and asking for one channel sends only that one."""
    webhooks.hook(TEAMS_PATH).answers.append((404, "", {}))
    settings = delivery_settings(
        {
            "smtp": starttls_smtp.settings_table(),
            "slack": {"webhook_url": webhooks.url(SLACK_PATH)},
            "teams": {"webhook_url": webhooks.url(TEAMS_PATH)},
        }
    )
    results = send_digest(data, settings, policy=NO_WAIT, sleep=lambda s: None)
    assert [(r.channel, r.ok) for r in results] == [("email", True), ("slack", True), ("teams", False)]
    again = send_digest(data, settings, ["teams"], policy=NO_WAIT, sleep=lambda s: None)
    assert [(r.channel, r.ok) for r in again] == [("teams", True)]
    assert (len(starttls_smtp.messages), len(webhooks.hook(SLACK_PATH).bodies)) == (1, 1)


# fmt: off
@pytest.mark.parametrize(
    ("rally_table", "expected"),
    [
        ({}, []),
        ({"smtp": {"host": "smtp.acme.example", "from": "r@acme.example", "to": "all@acme.example"}}, ["email", 587, "starttls"]),
        ({"smtp": {"host": "mail", "security": "SSL", "from": "r@acme.example", "to": ["a@acme.example"]}}, ["email", 465, "ssl"]),
        ({"smtp": {"host": "mail", "user": "rally@acme.example", "password": "pw-123456", "to": "a@x.example"}},
         ["email", 587, "starttls"]),  # from defaults to the user when it is an address
        ({"slack": {"webhook_url": "https://hooks.slack.com/services/T/B/x"}}, ["slack"]),
        ({"teams": {"webhook_url": "http://127.0.0.1:9/x"}}, ["teams"]),  # plain http only on this machine
    ],
)
# fmt: on
def test_delivery_settings_from_the_secrets(rally_table, expected):
    """Defaults for port and security; only configured channels are listed."""
    settings = delivery_settings(rally_table)
    described = settings.channels + ([settings.email.port, settings.email.security] if settings.email else [])
    assert described == expected


@pytest.mark.parametrize(
    ("rally_table", "message"),
    [
        ({"smtp": {"from": "r@acme.example", "to": "a@acme.example"}}, "needs host"),
        ({"smtp": {"host": "mail", "security": "tls", "from": "r@a.example", "to": "a@a.example"}}, "security must be"),
        ({"smtp": {"host": "mail", "from": "r@a.example", "to": "everyone"}}, "needs e-mail addresses"),
        ({"smtp": {"host": "mail", "to": "a@a.example"}}, "needs from"),
        ({"smtp": {"host": "mail", "user": "u", "from": "r@a.example", "to": "a@a.example"}}, "no password"),
        ({"slack": {"webhook_url": "http://hooks.slack.com/services/T/B/x"}}, "must start with https://"),  # the address is a secret
    ],
)
def test_delivery_settings_refuse_what_would_fail_later(rally_table, message):
    """A half-filled table is refused with the key to fix."""
    with pytest.raises(ConfigError, match=message):
        delivery_settings(rally_table)


def _secrets(smtp_table: dict, webhooks) -> str:
    def toml(value):
        return json.dumps(value)  # strings, numbers and lists of strings read the same in TOML

    lines = ["[rally.smtp]"] + [f"{key} = {toml(value)}" for key, value in smtp_table.items()]
    lines += ["[rally.slack]", f"webhook_url = {toml(webhooks.url(SLACK_PATH))}"]
    lines += ["[rally.teams]", f"webhook_url = {toml(webhooks.url(TEAMS_PATH))}"]
    return "\n".join(lines) + "\n"


def test_the_command_sends_to_every_configured_channel(starttls_smtp, webhooks, tmp_path):
    """`python cli.py digest --send` reports each channel; what arrives equals `digest --format json`."""
    write_secrets(tmp_path, _secrets(starttls_smtp.settings_table(), webhooks))
    printed = rally("digest", "--format", "json", cwd=tmp_path)
    data = json.loads(printed.stdout)
    result = rally("digest", "--send", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "E-mail: sent — Sent to 2 recipients through 127.0.0.1.",
        "Slack: sent — Posted to Slack.",
        "Microsoft Teams: sent — Posted to Microsoft Teams.",
    ]
    [(_, _, message)] = starttls_smtp.messages
    assert_is_the_digest(message, data)
    assert webhooks.hook(SLACK_PATH).bodies == [json.loads(json.dumps(slack_message(data)))]
    assert webhooks.hook(TEAMS_PATH).bodies == [json.loads(json.dumps(teams_message(data)))]


def test_the_command_says_which_channel_to_try_again(starttls_smtp, webhooks, tmp_path):
    """A channel that fails makes exit 1 and prints the command that sends to it alone."""
    webhooks.hook(TEAMS_PATH).answers.append((403, "forbidden", {}))
    write_secrets(tmp_path, _secrets(starttls_smtp.settings_table(), webhooks))
    result = rally("digest", "--week", WEEK, "--send", cwd=tmp_path)
    assert result.returncode == 1
    assert "Microsoft Teams: NOT SENT — Microsoft Teams answered HTTP 403: forbidden" in result.stdout
    assert f"Try again with: python cli.py digest --week {WEEK} --send --channel teams" in result.stderr
    assert "teams-signature" not in result.stdout + result.stderr and SMTP_PASSWORD not in result.stdout + result.stderr


def test_the_command_refuses_to_send_nowhere(tmp_path):
    """No channel configured: exit 2 and where to configure one."""
    result = rally("digest", "--send", cwd=tmp_path)
    assert result.returncode == 2 and "nowhere to send the digest" in result.stderr


def test_the_smtp_password_and_webhook_addresses_are_scrubbed_from_logs():
    """They count as secrets: every log line and error of the process is scrubbed of them."""
    from data_sources.config import secret_values

    secrets = {"rally": {"smtp": {"password": SMTP_PASSWORD}, "slack": {"webhook_url": "https://hooks.slack.com/x/y"}}}
    assert {SMTP_PASSWORD, "https://hooks.slack.com/x/y"} <= set(secret_values(secrets))


def test_the_presenters_send_button_reports_each_channel_and_retries_the_failed_one(
    demo_app_env, starttls_smtp, webhooks
):
    """On the last slide a facilitator sends the digest; Teams fails once, Try again sends to Teams only."""
    from tests.apptest import app, texts

    webhooks.hook(TEAMS_PATH).answers.append((410, "gone", {}))
    secrets = {
        "rally": {
            "smtp": starttls_smtp.settings_table(),
            "slack": {"webhook_url": webhooks.url(SLACK_PATH)},
            "teams": {"webhook_url": webhooks.url(TEAMS_PATH)},
        }
    }
    at = app("views/meeting.py", secrets=secrets, query={"slide": "7"})
    assert "digest-send" not in [b.key for b in at.button]  # locked for everyone else
    at.session_state["rally_facilitator"] = True  # as the demo passcode leaves it (tests/test_roles.py)
    at = at.run()
    at = at.button(key="digest-send").click().run()
    assert not at.exception
    assert "E-mail: Sent to 2 recipients through 127.0.0.1." in texts(at)
    assert "Microsoft Teams: Microsoft Teams answered HTTP 410: gone" in texts(at)
    at = at.button(key="digest-retry").click().run()
    assert "Microsoft Teams: Posted to Microsoft Teams." in texts(at)
    assert "digest-retry" not in [b.key for b in at.button]
    assert (len(starttls_smtp.messages), len(webhooks.hook(SLACK_PATH).bodies), len(webhooks.hook(TEAMS_PATH).bodies)) == (1, 1, 2)
