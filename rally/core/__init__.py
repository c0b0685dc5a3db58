"""The Sheet and its cells: what every feature builds on.

The Sheet contract (tabs, columns, aliases, header detection), the parsing rules for what
people type (dates, numbers, names, platforms, links), weeks and months, settings, data issues,
the tabs Rally writes (one row per ID, laid out under a tab's own header), safe display of
untrusted text and safe CSV. Imports nothing from the other folders of rally/.
"""
