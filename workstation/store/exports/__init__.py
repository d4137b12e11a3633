"""Records out: streamed CSV and JSON under Salesforce's field names."""
