"""The deterministic demo data set and its fast loaders."""
