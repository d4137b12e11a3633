"""Records in from other systems: CSV lead imports (reading, column mapping, cleansing,
deduplicating upsert, preview) and the Salesforce org-export importer."""
