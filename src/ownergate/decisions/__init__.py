"""Customers, entity resolution, verdicts and overrides."""
