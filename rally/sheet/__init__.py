"""The whole Sheet as one typed dataset: every tab Rally reads or writes, parsed once per data version.

`dataset.build_dataset` turns the raw tabs (plus the rows this server has queued for them) into
typed frames and records, under one date order, number notation and time zone, with every issue
found on the way; `health` lists those issues with what to do about each. Pages, the command line,
the digest and the report read the dataset, never the raw tabs.

Sits above rally.core, rally.room and rally.survey (the dataset holds the survey's typed answers);
everything that computes from the data (monthly, weekly, staff) sits above it.
"""
