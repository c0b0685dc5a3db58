"""Rally's domain: the rules of the programme, pure Python over pandas frames and plain values.

Nothing here reads the network or a file, and nothing imports streamlit, data_sources, ui or views
(tests/test_boundaries.py fails if it does); "today" is passed in by the caller (the company's date in its time
zone), the machine's date only standing in where a caller gives none. The folders are floors; a module imports
only from its own folder or a lower floor:

- `core/`     the Sheet's contract and its cells: tabs and columns, parsing rules, weeks, settings, issues.
- `room/`     the live room: who may use facilitator controls, form limits, join links for phones.
- `survey/`   the opening conversation: questions, answers, rounds, anonymity, actions, ideas.
- `sheet/`    the whole Sheet as one typed dataset, parsed once per data version, and its data health.
- `monthly/`  KPIs against targets, programme health, the directors' report.
- `weekly/`   the weekly meeting: scoring, awards, hero, highlights, the vote, kudos, the digest.
- `staff/`    what one person sees and does: logging a post, progress, training, encouragement.
- `demo/`     the embedded demo company.
"""
