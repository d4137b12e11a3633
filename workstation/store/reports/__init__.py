"""The manager reports: untouched leads and the funnel, and their exports."""
