"""Ownership: sources, the graph as arrays, rules, evidence."""
