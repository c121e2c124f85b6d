"""The vocabulary of news articles shared by the monitor, storage, reports and trends (no I/O, no store).

``dates``: Danish date and time parsing, Copenhagen time; ``dedup``: URL and title keys that decide whether
two articles are the same; ``types``: fetched and parsed entries, fetch statuses, extraction methods.
"""
