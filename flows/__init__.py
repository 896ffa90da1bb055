"""Prefect flows, one per campaign phase or schedule."""
