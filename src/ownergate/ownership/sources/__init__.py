"""Ownership sources: one reader per format, each yielding the records of :mod:`.records`."""
