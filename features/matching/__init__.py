"""Name matching: names reduced to keys across scripts and transliterations, compared word by
word, and the bounds (in Python and C) that rule candidates out before they are compared.

Knows nothing of snapshots or files: the snapshot stores what this package computes for its
listed names (skeletons, vocabulary records) and hands it back.
"""
