"""The embedded demo company: a fictional company's Sheet as the Sheets API would return it, with its
survey history, so the quickstart shows a working meeting with no credentials.

The top floor of rally/: it may import any other folder.
"""
