"""Which address the room's QR codes hold: one a phone can open, wherever Rally runs."""

from __future__ import annotations

import pytest

from rally.room.join import (
    BROWSER,
    CONFIGURED,
    LOOPBACK,
    NETWORK,
    is_loopback,
    join_address,
    join_url,
    listens_beyond_this_machine,
)


# fmt: off
@pytest.mark.parametrize(
    ("public_url", "browser", "network", "base", "source"),
    [
        ("https://rally.acme.example", "http://127.0.0.1:8501/meeting", "192.168.1.20", "https://rally.acme.example", CONFIGURED),
        ("rally.acme.example/", "", None, "https://rally.acme.example", CONFIGURED),  # no scheme typed: https
        ("https://intranet.example/rally/", "", None, "https://intranet.example/rally", CONFIGURED),  # served under a path
        ("", "http://192.168.1.20:8501/meeting?slide=7", "10.0.0.5", "http://192.168.1.20:8501", BROWSER),  # the projector came over the network
        ("", "https://rally.acme.example/meeting", "10.0.0.5", "https://rally.acme.example", BROWSER),  # behind a proxy
        ("", "http://laptop.local:8501/", None, "http://laptop.local:8501", BROWSER),
        ("", "http://127.0.0.1:8501/meeting", "192.168.1.20", "http://192.168.1.20:8501", NETWORK),  # the quickstart's Local URL
        ("", "http://localhost:8501/meeting", "192.168.1.20", "http://192.168.1.20:8501", NETWORK),
        ("", "http://[::1]:8501/meeting", "192.168.1.20", "http://192.168.1.20:8501", NETWORK),
        ("", "http://127.0.0.1:8501/meeting", "127.0.0.1", "http://127.0.0.1:8501", LOOPBACK),  # no network: Streamlit says 127.0.0.1
        ("", "http://127.0.0.1:8501/meeting", None, "http://127.0.0.1:8501", LOOPBACK),  # listening on this machine only
    ],
)
# fmt: on
def test_the_join_address_is_one_phones_can_open(public_url, browser, network, base, source):
    """public_url, else the browser's address unless loopback, else the network address; loopback only when nothing else."""
    found = join_address(public_url, browser, network, 8501)
    assert (found.base, found.source) == (base, source)
    assert found.reachable is (source != LOOPBACK)


# fmt: off
@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.4.5.6", True), ("localhost", True), ("rally.localhost", True), ("::1", True),
     ("[::1]", True), ("0.0.0.0", True), ("192.168.1.20", False), ("10.0.0.5", False), ("laptop.local", False)],  # noqa: S104 (an address to judge, not to bind)
)
# fmt: on
def test_loopback_addresses_are_this_machine_s_alone(host, loopback):
    """What a phone can't open: this machine's own names and the "any" addresses."""
    assert is_loopback(host) is loopback


def test_the_facilitator_s_note_says_where_the_address_came_from_and_how_to_change_it():
    """Each source in one sentence naming public_url (the note is the facilitator's, on the last slide)."""
    for source_args in (("", "http://127.0.0.1:8501/", "192.168.1.20"), ("", "http://127.0.0.1:8501/", None)):
        note = join_address(*source_args, 8501).note()
        assert "public_url" in note and ".streamlit/secrets.toml" in note
    assert "same Wi-Fi" in join_address("", "http://127.0.0.1:8501/", "192.168.1.20", 8501).note()
    assert "can't join" in join_address("", "http://127.0.0.1:8501/", None, 8501).note()


def test_a_join_link_keeps_the_address_s_path_and_its_query():
    """Rally served under a path keeps it; the week goes in the query."""
    assert join_url("https://intranet.example/rally", "vote", week="2026-W49") == "https://intranet.example/rally/vote?week=2026-W49"
    assert join_url("http://192.168.1.20:8501", "/survey") == "http://192.168.1.20:8501/survey"


# fmt: off
@pytest.mark.parametrize(
    ("address", "beyond"),
    [("", True), ("0.0.0.0", True), ("::", True), ("192.168.1.20", True), ("127.0.0.1", False), ("localhost", False), ("::1", False)],  # noqa: S104 (an address to judge, not to bind)
)
# fmt: on
def test_a_server_listening_on_this_machine_alone_has_no_address_for_phones(address, beyond):
    """`streamlit run` listens everywhere unless told 127.0.0.1 (then its network address would refuse phones)."""
    assert listens_beyond_this_machine(address) is beyond
