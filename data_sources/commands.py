"""The one write path: every change a person makes to the Sheet goes through a command here.

A command checks the caller (the facilitator role where the change needs it, the spam limit for
the public forms), checks the row with the domain's own rules, stamps its ID and hands it to the
outbox, which stores it on this server first and sends it to the Sheet RAW (see outbox.py). It
returns the row's ID, or raises `Refused` with sentences a person can act on and nothing written.

Pages call commands and show what comes back; they never touch a source or the outbox
(tests/test_boundaries.py fails if one does).
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from data_sources.base import SourceError
from data_sources.config import ConfigError
from data_sources.outbox import store_errors
from data_sources.server import LiveData, Server
from rally.core.contract import (
    FOLLOW_UPS,
    IDEAS,
    KUDOS,
    MEETINGS,
    MODERATION,
    NOTES,
    POST_NUMBERS,
    POSTS,
    SURVEY,
    SURVEY_ROUNDS,
    VOTES,
)
from rally.core.records import TabUnusable, WritePlan
from rally.core.text import NAME_MAX
from rally.monthly.imports import KPIS_WRITTEN, ImportPlan
from rally.staff.posting import NewPost, post_problems, with_staff_name
from rally.survey.answers import HIDE as HIDE_RESULTS
from rally.survey.answers import (
    ROUND_NAME_MAX,
    SHOW,
    START,
    Rounds,
    response_rows,
    round_action_row,
    suggested_round_name,
)
from rally.survey.ideas import clean_idea, idea_row
from rally.survey.moderation import HIDE, moderation_row
from rally.survey.moderation import SHOW as UNHIDE
from rally.survey.questions import QuestionSet, check_answers
from rally.weekly.kudos import NewKudos, kudos_problems
from rally.weekly.meeting import WeeklyMeeting
from rally.weekly.record import STATUSES, FollowUp, follow_up_rows, record_rows
from rally.weekly.votes import vote_round, vote_row

if TYPE_CHECKING:
    from data_sources.delivery import SendResult

log = logging.getLogger("rally.commands")
NOTE_MAX = 280  # characters: a note is read out in one breath
T = TypeVar("T")


@dataclass(frozen=True)
class Caller:
    """Who is asking: a browser session's random token (the spam limit's key) and whether it holds the role."""

    session: str
    facilitator: bool = False


class Refused(Exception):
    """Nothing was written; `problems` say why, in sentences a person can act on."""

    def __init__(self, *problems: str, role: bool = False, listed: bool = False):
        super().__init__(" ".join(problems))
        self.problems = list(problems)
        self.role = role  # refused for want of the facilitator role (a control left on screen after signing out)
        self.listed = listed or len(problems) > 1  # a form's checks: shown as a list, one line per problem


def _form(server: Server, caller: Caller) -> None:
    """The spam limit every public form obeys: 10 sends a minute per browser session."""
    allowed, wait = server.limiter.allow(caller.session)
    if not allowed:
        raise Refused(
            f"That's a lot of submissions in a minute — nothing was sent this time. Try again in {math.ceil(wait)} s."
        )


def _facilitator(caller: Caller, what: str) -> None:
    if not caller.facilitator:
        log.warning("refused %s from a session without the facilitator role", what)
        raise Refused("That needs the facilitator role: sign in again.", role=True)


def _queue(server: Server, plan: WritePlan, sheet_reachable: bool, notify: bool = True) -> str:
    """Queue one row for a tab people also edit by hand: name the columns it needs first, then the outbox.

    When the Sheet can't be reached the row is queued anyway: its cells already sit in the right
    columns, and the next row names the missing ones.
    """
    if plan.add_columns and sheet_reachable:
        try:
            server.source.ensure_columns(plan.tab, plan.header_row, plan.add_columns)
        except SourceError as error:
            log.warning(
                "could not add %s to the header of %s (tried again with the next row): %s",
                ", ".join(plan.add_columns),
                plan.tab,
                error,
            )
    return _stored(
        server, lambda: server.outbox().submit(plan.tab, plan.header, plan.row, id_column=plan.id_column), notify
    )


def _stored(server: Server, store: Callable[[], T], notify: bool = True) -> T:
    """A row kept on this server's disk, or a refusal saying it wasn't (a full disk, a locked store).

    Then the next version of the data, holding it, is built before the sender's page draws again: what they
    sent counts on their screen at once, and on everyone's as soon as their page looks again.
    """
    try:
        stored = store()
    except store_errors() as error:
        log.error("could not store a submission on this server: %s", error)
        raise Refused("It could not be saved on this server. Please send it again in a moment.") from None
    if notify:
        server.changed()
    return stored


def _plan(build: Callable[[], WritePlan]) -> WritePlan:
    try:
        return build()
    except TabUnusable as error:
        raise Refused(str(error)) from None


# -- staff --------------------------------------------------------------------------------------------------
def log_post(server: Server, caller: Caller, data: LiveData, post: NewPost, today: date) -> str:
    """A post logged from a phone: checked (a name not on the Staff tab only when the person said they are new),
    written under the Posts tab's own header in the Staff tab's spelling, counted at once."""
    problems = post_problems(post, data.dataset.posts, data.dataset.staff, today)
    if problems:
        raise Refused(*problems, listed=True)
    post = with_staff_name(post, data.dataset.staff, data.dataset.posts)
    _form(server, caller)
    plan = _plan(lambda: data.dataset.write_plan(POSTS, post.cells()))
    return _queue(server, plan, sheet_reachable=data.state.error is None)


def send_kudos(server: Server, caller: Caller, data: LiveData, kudos: NewKudos) -> str:
    """A line of thanks to a colleague, for the meeting's highlights."""
    problems = kudos_problems(kudos)
    if problems:
        raise Refused(*problems, listed=True)
    _form(server, caller)
    plan = _plan(lambda: data.dataset.write_plan(KUDOS, kudos.cells()))
    return _queue(server, plan, sheet_reachable=data.state.error is None)


def cast_vote(server: Server, caller: Caller, week: str, post_key: str | None, token: str, name: str = "") -> str:
    """One vote for the week's most creative post (a later vote from the same token replaces it)."""
    if not post_key:
        raise Refused("Pick a post first, then send your vote.")
    _form(server, caller)
    return _stored(
        server, lambda: server.outbox().submit(VOTES.name, VOTES.header, vote_row(week, post_key, token, name))
    )


def reveal_vote(server: Server, caller: Caller, week: str, shown: bool, seq: int, today: date) -> str:
    """Facilitator: reveal (or hide again) a week's vote on every screen — a Survey Rounds row for "Vote <week>"."""
    _facilitator(caller, "reveal_vote")
    row = round_action_row(SHOW if shown else HIDE_RESULTS, vote_round(week), seq, today)
    return _stored(server, lambda: server.outbox().submit(SURVEY_ROUNDS.name, SURVEY_ROUNDS.header, row))


# -- the survey and the ideas box ----------------------------------------------------------------------------------
def submit_response(
    server: Server,
    caller: Caller,
    given: Mapping[str, object],
    questions: QuestionSet,
    *,
    session: str,
    round_name: str,
    edit: int,
    today: date,
) -> list[str]:
    """One response: its answers checked, then stored together (all or none) on this server and sent to the Survey tab."""
    checked = check_answers(questions.questions, given)
    if not checked.ok:
        raise Refused(*checked.problems)
    _form(server, caller)
    rows = response_rows(
        checked.answers,
        questions,
        response_id=str(uuid.uuid4()),
        session=session,
        round_name=round_name,
        day=today,
        edit=edit,
    )
    return _stored(server, lambda: server.outbox().submit_many(SURVEY.name, SURVEY.header, rows))


def submit_idea(server: Server, caller: Caller, text: str, today: date) -> str:
    if not clean_idea(text):
        raise Refused("Write your idea in the box first.")
    _form(server, caller)
    return _stored(server, lambda: server.outbox().submit(IDEAS.name, IDEAS.header, idea_row(text, today)))


def start_round(server: Server, caller: Caller, name: str, rounds: Rounds, today: date) -> str:
    """Facilitator: a new survey round; answers from now on belong to it."""
    _facilitator(caller, "start_round")
    name = " ".join(name.split())[:ROUND_NAME_MAX]
    if not name:
        raise Refused(f"Give the round a name, e.g. {suggested_round_name(today, [])}.")
    if any(name.casefold() == started.casefold() for started, _ in rounds.started):
        raise Refused(f"There is already a round called {name}: pick another name.")
    row = round_action_row(START, name, rounds.next_seq, today)
    return _stored(server, lambda: server.outbox().submit(SURVEY_ROUNDS.name, SURVEY_ROUNDS.header, row))


def show_results(server: Server, caller: Caller, round_name: str, shown: bool, seq: int, today: date) -> str:
    """Facilitator: reveal (or hide again) a round's results on every screen."""
    _facilitator(caller, "show_results")
    action = SHOW if shown else HIDE_RESULTS
    row = round_action_row(action, round_name, seq, today)
    return _stored(server, lambda: server.outbox().submit(SURVEY_ROUNDS.name, SURVEY_ROUNDS.header, row))


def set_hidden(server: Server, caller: Caller, tab: str, target: str, hide: bool, seq: int, today: date) -> str:
    """Facilitator: hide an answer or an idea from every screen (or show it again)."""
    _facilitator(caller, "set_hidden")
    row = moderation_row(tab, target, HIDE if hide else UNHIDE, seq, today)
    return _stored(server, lambda: server.outbox().submit(MODERATION.name, MODERATION.header, row))


# -- rows the Sheet refused for good (Data health, facilitator) ------------------------------------------------
def retry_dead_letter(server: Server, caller: Caller, row_id: str) -> int:
    """Facilitator: put a row the Sheet refused for good back in the queue (once the Sheet or the row is fixed)."""
    _facilitator(caller, "retry_dead_letter")
    return _stored(server, lambda: server.outbox().retry_dead([row_id]))


def drop_dead_letter(server: Server, caller: Caller, row_id: str) -> int:
    """Facilitator: give up on a row the Sheet refused for good; it stays on this server's disk, marked, never sent."""
    _facilitator(caller, "drop_dead_letter")
    return _stored(server, lambda: server.outbox().drop_dead([row_id]))


# -- numbers imported and the digest sent (facilitator) ------------------------------------------------------
def import_numbers(server: Server, caller: Caller, data: LiveData, plan: ImportPlan, today: date) -> int:
    """Facilitator: an import's KPI months (under the KPIs tab's own header) and post numbers, each row once; returns how many.

    Every row carries the plan's own ID (made from the file and the month or link), so pressing Write twice
    queues each row once.
    """
    _facilitator(caller, "import_numbers")
    rows = [(KPIS_WRITTEN, cells) for cells in plan.kpi_cells()]
    rows += [(POST_NUMBERS, cells) for cells in plan.post_number_rows(today)]
    for spec, cells in rows:
        laid_out = _plan(lambda spec=spec, cells=cells: data.dataset.write_plan(spec, cells))
        laid_out = replace(laid_out, row={**laid_out.row, laid_out.id_column: cells["ID"]})
        _queue(server, laid_out, sheet_reachable=data.state.error is None, notify=False)
    server.changed()
    return len(rows)


def send_digest(server: Server, caller: Caller, data: dict, channels: list[str] | None = None) -> list[SendResult]:
    """Facilitator: the week's digest to every configured channel (or the named ones); one result per channel."""
    _facilitator(caller, "send_digest")
    # Imported here: the web client it sends with takes a noticeable part of a cold start, and most runs send nothing.
    from data_sources.delivery import delivery_settings
    from data_sources.delivery import send_digest as deliver

    try:
        settings = delivery_settings(server.config.rally)
    except ConfigError as error:
        raise Refused(str(error)) from None
    if not settings.channels:
        raise Refused(
            "Nowhere to send the digest yet: add [rally.smtp], [rally.slack] or [rally.teams] to the secrets file "
            "(see .streamlit/secrets.toml.example)."
        )
    return deliver(data, settings, channels)


# -- the meeting's loop (facilitator) --------------------------------------------------------------------------
NOTE_KINDS_FROM_THE_PRESENTER = ("Highlight", "Improve", "Hero")


def add_note(server: Server, caller: Caller, data: LiveData, week: str, kind: str, text: str, person: str = "") -> str:
    """Facilitator: a highlight, a "do better" item or the hero of the week (with the reason), to the Notes tab."""
    _facilitator(caller, "add_note")
    text = " ".join(text.split())
    person = " ".join(person.split())
    problems = []
    if kind not in NOTE_KINDS_FROM_THE_PRESENTER:
        problems.append(f"A note is one of {', '.join(NOTE_KINDS_FROM_THE_PRESENTER)}.")
    if kind == "Hero" and not person:
        problems.append("Pick who the hero of the week is.")
    if not text:
        problems.append("Write the reason, as you would say it." if kind == "Hero" else "Write the note first.")
    elif len(text) > NOTE_MAX:
        problems.append(f"Keep it to {NOTE_MAX} characters.")
    if len(person) > NAME_MAX:
        problems.append(f"Keep the name to {NAME_MAX} characters.")
    if problems:
        raise Refused(*problems, listed=True)
    cells = {"Week": str(week), "Kind": kind, "Person": person, "Text": text}
    plan = _plan(lambda: data.dataset.write_plan(NOTES, cells))
    return _queue(server, plan, sheet_reachable=data.state.error is None)


def close_meeting(server: Server, caller: Caller, meeting: WeeklyMeeting, today: date) -> int:
    """Facilitator: what the meeting showed, to the Meetings tab, once (closing again writes only items it lacks)."""
    _facilitator(caller, "close_meeting")
    rows = record_rows(meeting, today)
    _stored(server, lambda: server.outbox().submit_many(MEETINGS.name, MEETINGS.header, rows))
    return len(rows)


def follow_up(server: Server, caller: Caller, week: str, item: FollowUp, status: str, seq: int, today: date) -> str:
    """Facilitator: last week's do-better item marked done, not yet or dropped (the latest mark counts)."""
    _facilitator(caller, "follow_up")
    if status not in STATUSES:
        raise Refused(f"Mark it {', '.join(STATUSES)}.")
    row = follow_up_rows(week, item.key, item.text, status, today, seq)
    return _stored(server, lambda: server.outbox().submit(FOLLOW_UPS.name, FOLLOW_UPS.header, row))
