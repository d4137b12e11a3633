"""A record's page: every field of a lead, contact, account or opportunity, its timeline,
campaign memberships and the records related to it, as plain data for the record pages."""
