"""The weekly meeting: points and leaderboards (`scoring.py`), streaks, badges and categories
(`awards.py`), the hero of the week (`hero.py`), highlights and what we'll do better, the room's
vote, kudos, the week at a glance, everything one meeting shows (`meeting.py`) and its digest.

To change how the hero is picked, see `hero.py`. Imports rally.core, rally.room, rally.survey, rally.sheet and rally.monthly.
"""
