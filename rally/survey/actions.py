"""Turning answers into actions: findings the facilitator can read out, each with a next step.

The rules look for the default questions by ID (passion, confidence, worth,
support, better); a Survey Questions tab that keeps those IDs keeps its rules.
Every count smaller than the anonymity threshold is said as "fewer than 5".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from rally.survey.anonymity import count_phrase, effective_threshold
from rally.survey.answers import choice_distribution, frequent_words, response_count, scale_mean
from rally.survey.questions import Question

SUPPORT_ACTIONS = {
    "howtheplatformswork": "run a hands-on session on how the platforms work",
    "whattosayaboutthecompany": "share a short list of stories and messages people may post about",
    "findingthetime": "suggest a ten-minute posting slot in the week, and keep the weekly meeting item short",
    "readingtheanalytics": "show how to read a post's analytics in the next meeting",
}
HIGH, LOW = 4, 2  # on the 1–5 scale: 4 or 5 is "yes", 1 or 2 is "no"


@dataclass(frozen=True)
class ActionPoint:
    finding: str
    action: str


def action_points(
    current: pd.DataFrame,
    questions: Sequence[Question],
    threshold: int,
    previous: pd.DataFrame | None = None,
    previous_label: str | None = None,
    hidden: Iterable[str] = (),
    ideas_box: int = 0,
) -> list[ActionPoint]:
    """The findings for one round's answers (`current`), in the order a facilitator would read them."""
    threshold = effective_threshold(threshold)
    by_id = {q.id: q for q in questions}
    points: list[ActionPoint] = []
    passion, confidence = _scores(current, by_id.get("passion")), _scores(current, by_id.get("confidence"))
    if passion is not None and confidence is not None:
        both = pd.concat([passion.rename("passion"), confidence.rename("confidence")], axis=1, join="inner")
        rules = (
            (
                (both["passion"] >= HIGH) & (both["confidence"] <= LOW),
                "passionate but not confident",
                "offer training first, before anyone is asked to post",
            ),
            (
                (both["passion"] <= LOW) & (both["confidence"] <= LOW),
                "neither passionate nor confident",
                "start with why: show what posting has done for colleagues and for the company",
            ),
            (
                (both["passion"] <= LOW) & (both["confidence"] >= HIGH),
                "confident but not passionate",
                "give them a reason: share the wins colleagues' posts brought",
            ),
        )
        for mask, who, action in rules:
            count = int(mask.sum())
            if count:
                points.append(ActionPoint(f"{_sentence_start(count_phrase(count, threshold))} are {who}", action))

    worth = by_id.get("worth")
    if worth is not None:
        dist = choice_distribution(current, worth)
        total = int((current["question"] == worth.id).sum())
        if total:
            counts = {o.casefold(): int(c) for o, c in zip(dist["option"], dist["count"])}
            no, sometimes, yes = counts.get("no", 0), counts.get("sometimes", 0), counts.get("yes", 0)
            if no * 4 >= total or (no + sometimes) * 2 >= total:
                said = f"{_figure(no, threshold)} of {total} say the content isn't worth sharing" + (
                    f", {_figure(sometimes, threshold)} only sometimes" if sometimes else ""
                )
                points.append(
                    ActionPoint(
                        said, "review what we share: ask the room which recent posts they would be proud to share"
                    )
                )
            else:
                points.append(
                    ActionPoint(
                        f"{_figure(yes, threshold)} of {total} say the content is worth sharing",
                        "keep it coming, and ask the room for topics each month",
                    )
                )

    support = by_id.get("support")
    if support is not None:
        dist = choice_distribution(current, support)
        dist = dist[(dist["count"] > 0) & ~dist["option"].str.casefold().isin(["none", "other"])].sort_values(
            "count", ascending=False, kind="stable"
        )
        for option, count in zip(dist["option"], dist["count"]):
            action = SUPPORT_ACTIONS.get(_key(option), f"plan help with “{option}”")
            points.append(
                ActionPoint(f"{_sentence_start(count_phrase(int(count), threshold))} want help with “{option}”", action)
            )

    better = by_id.get("better")
    if better is not None:
        hidden = set(hidden)
        rows = current[
            (current["question"] == better.id) & (current["answer"] != "") & ~current["answer_id"].isin(hidden)
        ]
        words = frequent_words(rows["answer"], top=5)
        box = f" (and {ideas_box} in the ideas box)" if ideas_box else ""
        if len(words):
            listed = ", ".join(f"“{w}” ({c})" for w, c in zip(words["word"], words["count"]))
            points.append(
                ActionPoint(
                    f"The most common words in {len(rows)} ideas{box}: {listed}",
                    "pick one idea to try before the next round, and say which",
                )
            )
        elif len(rows) or ideas_box:
            points.append(
                ActionPoint(
                    f"{len(rows)} idea{'s' if len(rows) != 1 else ''} written{box}",
                    "read them out and pick one to try before the next round",
                )
            )

    if (
        previous is not None
        and previous_label
        and response_count(current, _round_of(current)) >= threshold
        and response_count(previous, _round_of(previous)) >= threshold
    ):
        for qid, name in (("confidence", "Confidence"), ("passion", "Passion")):
            question = by_id.get(qid)
            if question is None:
                continue
            now, before = scale_mean(current, question), scale_mean(previous, question)
            if now is None or before is None or abs(now - before) < 0.2:
                continue
            if now > before:
                points.append(
                    ActionPoint(
                        f"{name} rose from {before:.1f} to {now:.1f} since {previous_label}",
                        "say so in the meeting: progress is worth celebrating",
                    )
                )
            else:
                points.append(
                    ActionPoint(
                        f"{name} fell from {before:.1f} to {now:.1f} since {previous_label}",
                        "ask the room what got harder, and plan help for it",
                    )
                )
    return points


def _scores(frame: pd.DataFrame, question: Question | None) -> pd.Series | None:
    """response -> 1–5 for a scale question, or None when it wasn't asked."""
    if question is None or question.type != "scale":
        return None
    rows = frame[frame["question"] == question.id]
    values = pd.to_numeric(rows["answer"], errors="coerce")
    return pd.Series(values.to_numpy(), index=rows["response"].to_numpy()).dropna()


def _figure(count: int, threshold: int) -> str:
    return str(count) if count == 0 or count >= threshold else f"fewer than {threshold}"


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def _key(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _round_of(frame: pd.DataFrame) -> str:
    return str(frame["round"].iloc[0]) if len(frame) else ""
