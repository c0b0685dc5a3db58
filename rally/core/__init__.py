"""The Sheet and its cells: what every feature builds on.

The Sheet contract (tabs, columns, aliases, header detection), the parsing rules for what
people type (dates, numbers, names, platforms, links), months, settings, data issues, the
typed dataset built from every tab, the tabs Rally writes (one row per ID), safe display of
untrusted text and safe CSV. Imports nothing from the other folders of rally/.
"""
