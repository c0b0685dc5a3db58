"""Survey answers, rounds and results as pure rules: one answer per person per round, Google Forms, breakdowns, actions."""

from __future__ import annotations

from datetime import date

import pytest

from rally.core.contract import IDEAS, MODERATION, SURVEY, SURVEY_ROUNDS
from rally.survey.actions import action_points
from rally.survey.answers import (
    HIDE,
    SHOW,
    START,
    frequent_words,
    in_round,
    previous_round,
    question_result,
    read_answers,
    read_rounds,
    response_count,
    response_rows,
    round_action_row,
    session_code,
    suggested_round_name,
    survey_sentiment,
    team_breakdown,
    text_answers,
)
from rally.survey.charts import choice_chart, diverging_layout, scale_chart
from rally.survey.ideas import read_ideas
from rally.survey.moderation import hidden_ids, moderation_row
from rally.survey.questions import parse_questions

TODAY = date(2026, 11, 30)
QUESTIONS = parse_questions({}, ["Sales", "Engineering", "Ops"])


def rows(spec, *dicts: dict[str, str]) -> list[list[str]]:
    return [spec.header] + [[d.get(c, "") for c in spec.header] for d in dicts]


def submission(
    n: int,
    round_name: str = "2026-11 opening",
    edit: int = 1,
    day: date = TODAY,
    session: str | None = None,
    **answers: str,
) -> list[dict[str, str]]:
    answers = answers or {"passion": "4", "confidence": "2", "worth": "Yes"}
    return response_rows(
        answers,
        QUESTIONS,
        response_id=f"r-{round_name}-{n}-{edit}",
        session=session or session_code(f"token-{n}", round_name),
        round_name=round_name,
        day=day,
        edit=edit,
    )


def answers_from(
    *submissions: list[dict[str, str]], rounds_rows: list[dict[str, str]] = (), pending: list[dict[str, str]] = ()
):
    flat = [row for s in submissions for row in s]
    tabs = {SURVEY.name: rows(SURVEY, *flat), SURVEY_ROUNDS.name: rows(SURVEY_ROUNDS, *rounds_rows)}
    rounds = read_rounds(tabs, [], TODAY)
    return read_answers(tabs, pending, QUESTIONS, rounds), rounds


# -- rounds ------------------------------------------------------------------------------------------------


# fmt: off
@pytest.mark.parametrize(
    ("actions", "current", "revealed"),
    [
        ([], "2026-11", set()),  # nobody started a round: answers go to the month
        ([(1, START, "2026-10 opening")], "2026-10 opening", set()),  # results start hidden
        ([(1, START, "2026-10 opening"), (2, SHOW, "2026-10 opening")], "2026-10 opening", {"2026-10 opening"}),
        ([(1, START, "A"), (2, SHOW, "A"), (3, START, "B")], "B", {"A"}),
        ([(1, START, "A"), (2, SHOW, "A"), (3, HIDE, "A")], "A", set()),
        ([(2, SHOW, "A"), (1, START, "A"), (3, START, "B")], "B", {"A"}),  # rows reach the Sheet out of order: Seq decides
        ([(1, START, "A"), (2, START, "B"), (3, START, "A")], "A", set()),  # going back to an earlier round
        ([(1, "reveal", "A"), (2, "Start", "A")], "A", {"A"}),  # actions read loosely
    ],
)
# fmt: on
def test_the_current_round_is_the_last_started_and_results_stay_hidden_until_shown(actions, current, revealed):
    """Survey Rounds rows, in Seq order, decide the current round and whose results are on screen."""
    tabs = {SURVEY_ROUNDS.name: rows(SURVEY_ROUNDS, *[{"ID": f"id-{seq}-{name}", **round_action_row(action, name, seq, TODAY)} for seq, action, name in actions])}
    rounds = read_rounds(tabs, [], TODAY)
    assert rounds.current == current
    assert set(rounds.revealed) == revealed
    assert rounds.next_seq == max((seq for seq, _, _ in actions), default=0) + 1


def test_a_queued_round_start_counts_before_it_reaches_the_sheet():
    """A facilitator's click is in force at once, from this server's outbox."""
    rounds = read_rounds({}, [{"ID": "x", **round_action_row(START, "2026-11 check-in", 1, TODAY)}], TODAY)
    assert rounds.current == "2026-11 check-in" and rounds.explicit


@pytest.mark.parametrize(
    ("existing", "name"),
    [
        ([], "2026-11 opening"),
        (["2026-10 opening"], "2026-11 check-in"),
        (["2026-11 check-in"], "2026-11 check-in (2)"),
        (["2026-11 check-in", "2026-11 Check-in (2)"], "2026-11 check-in (3)"),  # names compare loosely
    ],
)
def test_the_suggested_round_name(existing, name):
    """The first round of a month is its opening, later ones are check-ins, never a name taken."""
    assert suggested_round_name(TODAY, existing) == name


def test_session_codes_differ_between_rounds_so_a_person_s_rounds_cannot_be_linked():
    """The same browser session gets a different code in each round, and the token itself is never stored."""
    first, second = session_code("token", "A"), session_code("token", "B")
    assert first != second and len(first) == 16 and "token" not in first


# -- one answer per person per round ------------------------------------------------------------------------------


def test_a_resubmission_replaces_the_earlier_answers_of_that_session_and_round():
    """Edit 2 of a session replaces edit 1, whichever reached the Sheet first; other sessions are untouched."""
    answers, rounds = answers_from(
        submission(1, edit=2, passion="5", confidence="5", worth="No"),  # the edit landed first (a retried append)
        submission(1, edit=1, passion="1", confidence="1", worth="Yes"),
        submission(2),
    )
    assert response_count(answers.frame, "2026-11 opening") == 2 and answers.replaced == 1
    mine = answers.frame[answers.frame["response"] == "r-2026-11 opening-1-2"]
    assert dict(zip(mine["question"], mine["answer"])) == {"passion": "5", "confidence": "5", "worth": "No"}


def test_the_same_session_in_another_round_is_another_response():
    """Rounds are counted apart: answering again next month adds to next month."""
    answers, _ = answers_from(submission(1, "A"), submission(1, "B"))
    assert response_count(answers.frame, "A") == 1 and response_count(answers.frame, "B") == 1


def test_a_response_read_twice_from_the_sheet_and_the_outbox_counts_once():
    """A retried append landed twice and the row is still queued here: one response."""
    sent = submission(1)
    answers, _ = answers_from(sent, sent, pending=sent)
    assert response_count(answers.frame, "2026-11 opening") == 1
    assert len(answers.frame) == 3


def test_rows_without_a_round_join_the_round_in_force_on_their_day():
    """A hand-typed row with a Day but no Round belongs to the round started on or before that day."""
    started = [{"ID": "s1", **round_action_row(START, "October", 1, date(2026, 10, 5))}, {"ID": "s2", **round_action_row(START, "November", 2, date(2026, 11, 2))}]
    typed = [{**row, "Round": ""} for row in submission(1, day=date(2026, 10, 20))]
    answers, _ = answers_from(typed, rounds_rows=started)
    assert set(answers.frame["round"]) == {"October"}


def test_the_previous_round_is_the_latest_earlier_round_with_answers():
    """Rounds are ordered by when they started; an empty round in between is skipped."""
    started = [{"ID": f"s{n}", **round_action_row(START, name, n, day)} for n, (name, day) in enumerate([("Sep", date(2026, 9, 7)), ("Oct", date(2026, 10, 5)), ("Nov", date(2026, 11, 2))], 1)]
    answers, rounds = answers_from(submission(1, "Sep", day=date(2026, 9, 7)), submission(2, "Nov", day=date(2026, 11, 2)), rounds_rows=started)
    assert rounds.current == "Nov"
    assert previous_round(rounds, answers.frame) == "Sep"


# -- Google Forms -------------------------------------------------------------------------------------------


FORM = [
    ["Timestamp", "Email Address", "How passionate are you about social media?", "Which platforms do you use?", "What would make our social media better?", "Favourite snack?"],
    ["16/11/2026 10:31:02", "maya@fernhill.example", "4", "LinkedIn, X/Twitter", "More video", "Crisps"],
    ["16/11/2026 10:32:40", "leo@fernhill.example", "5 - very", "LinkedIn, Mastodon", "", ""],
    ["not a time", "x@fernhill.example", "3", "", "", ""],
    ["16/11/2026 10:40:00", "", "7", "Facebook", "", ""],
]


def test_a_google_form_responses_tab_is_read_by_question_text():
    """Timestamp becomes the day only; questions are matched by text; unknown columns become text answers; e-mails are never read."""
    tabs = {"Survey": FORM}
    rounds = read_rounds({}, [], TODAY)
    answers = read_answers(tabs, [], QUESTIONS, rounds)
    frame = answers.frame
    assert answers.form
    assert response_count(frame, "2026-11") == 3  # the row without a readable timestamp is left out, and reported
    assert set(frame["day"]) == {"2026-11-16"}
    assert "fernhill.example" not in " ".join(frame["answer"])
    passion = frame.loc[frame["question"] == "passion", "answer"].tolist()
    assert passion == ["4", "5"]  # "5 - very" is a 5; 7 is off the scale and reported
    snack = answers.question("form:favouritesnack")
    assert snack is not None and snack.type == "text" and snack.text == "Favourite snack?"
    problems = {(i.row, i.problem.split(" —")[0]) for i in answers.issues}
    assert (1, "identifies people") in problems and (4, "no readable Timestamp") in problems and (5, "expected 1 to 5") in problems
    platforms = question_result(QUESTIONS.by_id()["platforms"], frame, None, ("2026-11", None))
    counts = dict(zip(platforms.distribution["option"], platforms.distribution["count"]))
    assert counts["LinkedIn"] == 2 and counts["X/Twitter"] == 1 and counts["Facebook"] == 1 and counts["Other"] == 1


def test_form_rows_join_the_round_in_force_on_their_day_or_their_round_column():
    """Without a Round column a Form row belongs to the round started on or before its day."""
    rounds_tab = {SURVEY_ROUNDS.name: rows(SURVEY_ROUNDS, {"ID": "s", **round_action_row(START, "2026-11 opening", 1, date(2026, 11, 16))})}
    rounds = read_rounds(rounds_tab, [], TODAY)
    with_round = [FORM[0][:3] + ["Round"], FORM[1][:3] + ["Pilot"], FORM[2][:3]]
    answers = read_answers({"Survey": with_round}, [], QUESTIONS, rounds)
    assert dict(zip(answers.frame["response"], answers.frame["round"])) == {"form-row-2": "Pilot", "form-row-3": "2026-11 opening"}


# -- results ---------------------------------------------------------------------------------------------------


def room(team_sizes: dict[str, int], round_name: str = "R", offset: int = 0, **answers: str):
    subs = []
    n = offset
    for team, size in team_sizes.items():
        for _ in range(size):
            n += 1
            subs.append(submission(n, round_name, **{**(answers or {"passion": "4", "confidence": "2", "worth": "No", "support": "Finding the time"}), **({"team": team} if team else {})}))
    return subs


def test_a_team_breakdown_shows_only_teams_that_pass_the_anonymity_rule():
    """Sales (8) and Engineering (6) are shown; Ops (3) and the two without a team are withheld together (5)."""
    answers, _ = answers_from(*room({"Sales": 8, "Engineering": 6, "Ops": 3, "": 2}))
    frame = in_round(answers.frame, "R")
    breakdown = team_breakdown(frame, QUESTIONS.team_question, 5)
    assert breakdown.groups == ("Sales", "Engineering")
    assert breakdown.withheld_groups == 1 and breakdown.withheld_answers == 5
    result = question_result(QUESTIONS.by_id()["passion"], frame, None, ("R", None), breakdown)
    assert list(dict.fromkeys(result.distribution["group"])) == ["R", "Sales", "Engineering"]
    assert "Ops" not in set(result.distribution["group"])


def test_a_breakdown_withholds_a_team_whose_answers_subtraction_would_reveal():
    """Sales 8, Engineering 6 and Ops 3 with everyone's team given: showing both big teams would give away Ops."""
    answers, _ = answers_from(*room({"Sales": 8, "Engineering": 6, "Ops": 3}))
    breakdown = team_breakdown(in_round(answers.frame, "R"), QUESTIONS.team_question, 5)
    assert breakdown.groups == ("Sales",)


def test_scale_results_compare_with_the_previous_round():
    """The round and the previous round are two bars; the means say how far things moved."""
    answers, _ = answers_from(*room({"": 5}, "Before", passion="2", confidence="2"), *room({"": 5}, "Now", offset=10, passion="4", confidence="3"))
    frame, before = in_round(answers.frame, "Now"), in_round(answers.frame, "Before")
    result = question_result(QUESTIONS.by_id()["passion"], frame, before, ("Now", "Before"))
    assert result.mean == 4 and result.previous_mean == 2 and result.previous_answered == 5
    assert list(dict.fromkeys(result.distribution["group"])) == ["Now", "Before"]


def test_the_diverging_layout_puts_disagreement_left_of_zero_and_splits_the_middle():
    """1s and 2s end at minus half the 3s; 4s start at plus half the 3s."""
    answers, _ = answers_from(*[submission(n, "R", passion=str(v)) for n, v in enumerate([1, 2, 3, 3, 4, 5, 5, 5])])
    result = question_result(QUESTIONS.by_id()["passion"], in_round(answers.frame, "R"), None, ("R", None))
    laid = diverging_layout(result.distribution).set_index("value")
    assert laid.loc[1, "start"] == pytest.approx(-0.375) and laid.loc[3, "start"] == pytest.approx(-0.125) and laid.loc[3, "end"] == pytest.approx(0.125)
    assert laid.loc[5, "end"] == pytest.approx(0.625)
    spec = scale_chart(result.distribution).to_dict()
    assert spec["layer"][0]["encoding"]["x2"]["field"] == "end"
    assert choice_chart(question_result(QUESTIONS.by_id()["worth"], in_round(answers.frame, "R"), None, ("R", None)).distribution).to_dict()["layer"][0]["mark"]["type"] == "bar"


def test_text_answers_are_listed_out_of_arrival_order_with_hidden_ones_marked():
    """So nobody is given away by when they pressed Send; hidden answers are kept but marked."""
    subs = [submission(n, "R", passion="3", confidence="3", worth="Yes", better=f"idea {n}") for n in range(6)]
    answers, _ = answers_from(*subs)
    texts = text_answers(in_round(answers.frame, "R"), QUESTIONS.by_id()["better"], hidden={subs[2][-1]["ID"]})
    assert sorted(texts["text"]) == [f"idea {n}" for n in range(6)]
    assert list(texts["text"]) != [f"idea {n}" for n in range(6)]
    assert texts.loc[texts["hidden"], "text"].tolist() == ["idea 2"]


# fmt: off
@pytest.mark.parametrize(
    ("texts", "words"),
    [
        (["More video please", "video, video, VIDEO!", "Training"], [("video", 2)]),  # counted once per answer, however often repeated
        (["Training on LinkedIn", "LinkedIn training", "the and of"], [("linkedin", 2), ("training", 2)]),  # stop words never count
        (["one idea", "another thought"], []),  # nothing appears twice yet
        (["Don't post stock photos", "don't use stock photos"], [("photos", 2), ("stock", 2)]),
    ],
)
# fmt: on
def test_the_most_frequent_words(texts, words):
    """Words used by at least two answers, most used first, ignoring case and common words."""
    found = frequent_words(texts)
    assert list(zip(found["word"], found["count"])) == words


# -- moderation and ideas ---------------------------------------------------------------------------------------


def test_the_last_hide_or_show_of_an_item_wins_in_seq_order():
    """Hide, show again, hide: hidden; rows that reached the Sheet out of order are put back in order by Seq."""
    tabs = {
        MODERATION.name: rows(
            MODERATION,
            {"ID": "3", **moderation_row("Ideas", "a", "hide", 3, TODAY)},
            {"ID": "1", **moderation_row("Ideas", "a", "hide", 1, TODAY)},
            {"ID": "2", **moderation_row("Ideas", "a", "show", 2, TODAY)},
            {"ID": "4", **moderation_row("Ideas", "b", "hide", 4, TODAY)},
            {"ID": "5", **moderation_row("Ideas", "b", "show", 5, TODAY)},
        )
    }
    hidden, next_seq = hidden_ids(tabs)
    assert hidden == {"a"} and next_seq == 6


def test_ideas_are_newest_first_with_queued_ones_on_top_and_hidden_ones_marked():
    """The ideas box lists the newest idea first, including one still in this server's outbox."""
    tabs = {IDEAS.name: rows(IDEAS, {"ID": "1", "Day": "2026-11-01", "Idea": "Old"}, {"ID": "2", "Day": "2026-11-02", "Idea": "=HYPERLINK(\"x\")"})}
    ideas = read_ideas(tabs, [{"ID": "3", "Day": "2026-11-30", "Idea": "New"}], hidden={"1"})
    assert list(ideas["text"]) == ["New", '=HYPERLINK("x")', "Old"]
    assert list(ideas["hidden"]) == [False, False, True]


# -- actions and sentiment ----------------------------------------------------------------------------------------


def test_answers_turn_into_actions_with_small_groups_said_as_fewer_than_five():
    """7 passionate-but-not-confident people, 12 of 20 saying the content isn't worth sharing, support counts, common words."""
    subs = []
    for n in range(20):
        answers = {
            "passion": "5" if n < 7 else "3",
            "confidence": "1" if n < 7 else ("5" if n < 10 else "3"),
            "worth": "No" if n < 12 else "Yes",
            "support": "How the platforms work; Finding the time" if n < 9 else ("Reading the analytics" if n < 11 else "None"),
            "better": "more video" if n < 3 else "",
        }
        subs.append(submission(n, "R", **{k: v for k, v in answers.items() if v}))
    answers, _ = answers_from(*subs)
    points = action_points(in_round(answers.frame, "R"), QUESTIONS.questions, 5, ideas_box=2)
    said = [f"{p.finding} → {p.action}" for p in points]
    assert said[0] == "7 people are passionate but not confident → offer training first, before anyone is asked to post"
    assert "12 of 20 say the content isn't worth sharing → review what we share: ask the room which recent posts they would be proud to share" in said
    assert any(s.startswith("9 people want help with “How the platforms work”") for s in said)
    assert any(s.startswith("Fewer than 5 people want help with “Reading the analytics”") for s in said)
    assert any("“video” (3)" in s and "2 in the ideas box" in s for s in said)
    assert not any("None" in s for s in said)


def test_sentiment_for_directors_is_an_aggregate_of_the_latest_round_big_enough():
    """Directors get means and shares for the latest round with at least 5 responses, and the change since the one before."""
    answers, rounds = answers_from(
        *room({"": 6}, "Sep", passion="2", confidence="2", worth="No"),
        *room({"": 6}, "Oct", offset=10, passion="4", confidence="4", worth="Yes"),
        *room({"": 2}, "Nov", offset=20, passion="5", confidence="5", worth="Yes"),  # too few to report on its own
    )  # all on one day: the order they reached the Sheet decides which round is the latest
    sentiment = survey_sentiment(answers.frame, QUESTIONS)
    assert sentiment["round"] == "Oct" and sentiment["responses"] == 6
    assert sentiment["score"] == 4.0 and sentiment["worth_sharing"] == 1.0
    assert sentiment["scales"]["How confident do you feel posting about your work?"] == {"mean": 4.0, "positive": 1.0}
    assert sentiment["previous"] == {"round": "Sep", "responses": 6, "score": 2.0} and sentiment["change"] == 2.0
    assert survey_sentiment(in_round(answers.frame, "Nov"), QUESTIONS) is None


def test_directors_get_sentiment_straight_from_the_demo_sheet():
    """The demo's last round (22 answers) as aggregates only: no names, no teams, no text."""
    from data_sources.factory import demo_seed
    from rally.sheet.dataset import build_dataset

    survey = build_dataset(demo_seed(TODAY), today=TODAY).survey
    sentiment = survey_sentiment(survey.answers.frame, survey.answers.questions, 5, survey.rounds)
    assert sentiment["responses"] == 22 and sentiment["round"].endswith("opening")
    assert set(sentiment) == {"round", "responses", "day", "score", "scales", "worth_sharing", "previous", "change"}
    assert 1 <= sentiment["score"] <= 5
