"""What one member of staff sees and does: logging a post from a phone, their own progress
(points, ranks, badges, streak), the training tracker, and the facilitator's encouragement list.

Imports rally.core and the feature folders below it (weekly, monthly, survey, room).
"""
