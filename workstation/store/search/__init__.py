"""Finding any lead, contact, account or opportunity from a fragment of its name, company,
email or phone: the full-text index (`index`), how a typed text becomes a query
(`terms`) and the search itself (`find`)."""
