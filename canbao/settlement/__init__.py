"""Subsidy settlement (结算): statements per budget, paid-on-behalf claims, advances, awards, fiscal transfers."""
