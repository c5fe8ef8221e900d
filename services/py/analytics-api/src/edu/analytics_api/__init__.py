"""analytics-api: a teacher's figures for their own courses, read from the rollups that
analytics-aggregator writes (issue 21, ADR 0019)."""
