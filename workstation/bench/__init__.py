"""`workstation bench`: the TARGETS.md figures measured against same-run baselines, and the
probes it runs."""
