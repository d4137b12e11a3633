"""The Salesforce data-export importer: seven objects with their relationships, Salesforce Ids
kept as external ids."""
