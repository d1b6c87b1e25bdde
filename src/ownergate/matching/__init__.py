"""Name screening: normalise, index, score, explain."""
