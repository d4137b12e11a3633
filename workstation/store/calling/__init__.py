"""Working the call queues: the queues, the next lead, logging a call and undoing it, the record
card's data, edits and rejection."""
