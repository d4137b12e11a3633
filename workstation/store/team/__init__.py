"""The team: adding and changing reps, and assignment by open capacity."""
