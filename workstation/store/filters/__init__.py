"""Saved filters: a rep's (or a manager's shared) filter of the leads, kept as a named
queue with its live count and worked with `n` like any other (`calling.queues`)."""
