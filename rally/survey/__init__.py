"""The opening conversation: survey questions and their types, answers (Rally's own Survey tab or a
Google Form's responses), rounds, the anonymity rule, results and charts, answers turned into
actions, moderation and the ideas box.

To add a question type, start in `questions.py` (how the type is read and an answer checked), then
`answers.py` (its results) and `charts.py`. Imports rally.core and rally.room.
"""
