"""The survey and ideas box for pages: live state, the phone's anonymous session token, writes, and the "Over to you" panel.

Live state is read from a short-TTL cache of just the survey's small tabs, shared
by every screen (one upstream read per `Live refresh seconds` however many
watch), merged with what this server accepted but has not written yet, so an
answer shows on the projector within one refresh of being sent.

`over_to_you(dataset)` is what the presenter's "Over to you" slide calls.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import streamlit as st

from data_sources import commands
from data_sources.server import LiveData
from rally.core.contract import IDEAS, MODERATION, SURVEY, SURVEY_ROUNDS
from rally.core.text import md_escape, truncate
from rally.room.join import join_url, short_label
from rally.sheet.dataset import Dataset
from rally.survey.anonymity import count_phrase, effective_threshold
from rally.survey.answers import Answers, Rounds, next_edit, previous_round, response_count
from rally.survey.ideas import latest_ideas
from rally.survey.questions import QuestionSet
from ui import join
from ui.forms import send
from ui.server import server

SPECS = (SURVEY, SURVEY_ROUNDS, MODERATION, IDEAS)
# One tuple everywhere: every live survey screen shares one cache, so one read per interval in all.
LIVE_TABS = tuple(spec.name for spec in SPECS)
SESSION_PARAM = "s"  # the query parameter holding the anonymous session token
SESSION_STATE_KEY = "rally_survey_session"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
SURVEY_PATH = "survey"
IDEAS_PATH = "ideas"


@dataclass(frozen=True)
class LiveSurvey:
    """The dataset's survey as a live screen shows it: with the anonymity threshold, the refresh, the read's state."""

    questions: QuestionSet
    rounds: Rounds
    answers: Answers
    hidden: frozenset[str]
    next_moderation_seq: int
    ideas: pd.DataFrame
    threshold: int
    refresh_seconds: int
    error: str | None = None  # why the latest read failed, when it did
    as_of: datetime | None = None

    @property
    def current(self) -> str:
        return self.rounds.current

    @property
    def previous(self) -> str | None:
        return previous_round(self.rounds, self.answers.frame)

    def count(self, round_name: str | None = None) -> int:
        return response_count(self.answers.frame, round_name or self.current)

    @property
    def revealed(self) -> bool:
        return self.rounds.is_revealed(self.current)


def live_survey(data: LiveData | None = None) -> LiveSurvey:
    """The survey as of now: the dataset read with its live tabs at most `Live refresh seconds` old.

    Every screen and phone shares that read (one upstream read per interval however many watch),
    and the rows this server accepted but has not written yet are in it, so an answer shows on
    the projector within one refresh of being sent.
    """
    data = data or server().current(live=True)
    survey, settings = data.dataset.survey, data.dataset.settings
    snapshot = data.state.snapshot
    return LiveSurvey(
        survey.questions,
        survey.rounds,
        survey.answers,
        survey.hidden,
        survey.next_moderation_seq,
        survey.ideas,
        effective_threshold(settings.anonymity_threshold),
        int(settings.live_refresh_seconds),
        data.state.error,
        snapshot.fetched_at if snapshot else None,
    )


# -- the phone's anonymous session ---------------------------------------------------------------------------


def session_token() -> str:
    """A random token for this browser session, kept in the page's address so a reload is the same person.

    It is never stored: the Sheet gets a hash of it and the round (rally.survey.answers.session_code).
    """
    token = st.session_state.get(SESSION_STATE_KEY)
    if not token:
        given = str(st.query_params.get(SESSION_PARAM, ""))
        token = given if _TOKEN.match(given) else uuid.uuid4().hex
        st.session_state[SESSION_STATE_KEY] = token
    if st.query_params.get(SESSION_PARAM) != token:
        st.query_params[SESSION_PARAM] = token
    return token


# -- writes: every one durable first, then sent to the Sheet by the outbox ---------------------------------------


def submit_answers(given: dict[str, object], survey: LiveSurvey, session: str, today: date) -> bool:
    """One response (checked, stored all or none, then sent to the Survey tab); False, with the reasons shown, when refused."""
    sent = send(
        commands.submit_response,
        given,
        survey.questions,
        session=session,
        round_name=survey.current,
        edit=next_edit(survey.answers.frame, session, survey.current),
        today=today,
    )
    return sent is not None


def start_round(name: str, survey: LiveSurvey, today: date) -> bool:
    return send(commands.start_round, name, survey.rounds, today) is not None


def show_results(round_name: str, shown: bool, survey: LiveSurvey, today: date) -> None:
    send(commands.show_results, round_name, shown, survey.rounds.next_seq, today)


def set_hidden(tab: str, target: str, hide: bool, survey: LiveSurvey, today: date) -> None:
    send(commands.set_hidden, tab, target, hide, survey.next_moderation_seq, today)


def submit_idea(text: str, today: date) -> bool:
    return send(commands.submit_idea, text, today) is not None


def join_code(
    path: str = SURVEY_PATH,
    width: int | str = 170,
    caption: str | None = None,
    big: bool = False,
    dataset: Dataset | None = None,
    note: bool = True,
) -> str:
    """A join panel that fits its column (QR code, the link under it); returns the link.

    The survey's code opens the `Survey form link` when the settings give one (a Google Form answers
    from anywhere, mobile data included). `width="stretch"` fills the column.
    """
    form = survey_form_link(dataset) if path == SURVEY_PATH else ""
    return join.join_panel(path, caption or "", width=width, url=form or None, big=big, note=note)


def survey_form_link(dataset: Dataset | None = None) -> str:
    """The Google Form people answer in (the `Survey form link` setting), or "" for Rally's own page."""
    dataset = dataset or server().current().dataset
    return dataset.settings.survey_form_link if dataset is not None else ""


# -- the presenter's "Over to you" slide ---------------------------------------------------------------------------


def over_to_you(dataset: Dataset, today: date, ideas: int = 3, width: int | str = "stretch") -> None:
    """The survey's join QR code and its live response counter, then (when `ideas`) the latest ideas; refreshes itself.

    For the presenter's "Over to you" slide: `over_to_you(layout.load().dataset, layout.today())`.
    """
    join_code(SURVEY_PATH, width=width, dataset=dataset, note=False)
    st.fragment(_live_counter, run_every=dataset.settings.live_refresh_seconds)()
    if ideas:
        latest_ideas_panel(dataset, ideas)


def _live_counter() -> None:
    survey = live_survey()
    st.metric("Answers", f"{survey.count():,}", help="Counts each person once per round")
    st.caption(f"in {md_escape(survey.current)}")


def latest_ideas_panel(dataset: Dataset, count: int = 3) -> None:
    """Where to send an idea, and the newest ones (hidden ones left out); refreshes itself."""
    st.fragment(_latest_ideas, run_every=dataset.settings.live_refresh_seconds)(count)


def _latest_ideas(count: int) -> None:
    st.caption(f"Ideas any time: {md_escape(short_label(join_url(join.public_base_url(), IDEAS_PATH)))}")
    newest = latest_ideas(live_survey().ideas, count)
    if newest:
        st.markdown("\n".join(f"- 💡 {md_escape(truncate(text, 90))}" for text in newest))
    else:
        st.caption("No ideas yet: the ideas box is always open.")


def threshold_note(survey: LiveSurvey) -> str:
    """The anonymity promise, in words."""
    return f"Breakdowns show only groups of at least {survey.threshold}; smaller groups are reported as {count_phrase(1, survey.threshold)}."
