"""Intake: validating files' rows, matching payments, reconciling channels (pure pandas)."""
