"""Mobilization (动员): targets per unit, the deadline calendar with owners, and pre-campaign duties."""
