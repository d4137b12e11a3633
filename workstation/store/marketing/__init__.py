"""Marketing's side of the people sales works: who marketing must leave alone."""
