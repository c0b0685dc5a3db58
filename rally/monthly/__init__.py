"""The monthly check against the company's KPIs: scorecards, change, pacing and trends, programme
health as aggregates, and the directors' report (JSON, HTML, PDF).

Imports rally.core, rally.room, rally.survey and rally.sheet (the month's survey sentiment).
"""
