"""The monthly check against the company's KPIs: scorecards, change, pacing and trends, programme
health as aggregates, and the directors' report (JSON, HTML, PDF).

Imports rally.core, rally.room and rally.survey (the month's survey sentiment).
"""
