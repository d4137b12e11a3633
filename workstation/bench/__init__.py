"""`workstation bench`: the TARGETS.md figures measured against same-run baselines.

`run` is the driver (it builds the data set, runs each measure and prints the figures); it
imports the measures, which import only `stats` (percentile, timers) and `errors`:
- `probe`: one cold start, in its own process (`python -m workstation.bench.probe`): P2, P7;
- `keys`: key press to the frame that shows the result: P1, P3's page step;
- `untouched`: the untouched-leads screen and its aggregate: P3;
- `imports`: a generated CSV file's import against sqlite3's `.import`: P4;
- `conversion`: one lead conversion against an empty write transaction: P5;
- `claims`: fifty reps claiming at once on PostgreSQL: P8.
"""
