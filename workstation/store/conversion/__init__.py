"""Converting a qualified lead: the plan, the rep's choices, the reads it needs, duplicate
matching, and the writes of one transaction."""
