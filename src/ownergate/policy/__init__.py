"""Policies: files, validation, shipped policies, country data."""
