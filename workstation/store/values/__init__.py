"""Cleaning and reading single values: text, emails, phones, regions, the calling window,
callback times."""
