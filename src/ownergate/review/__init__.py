"""The review desk's web pages."""
