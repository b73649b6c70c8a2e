"""Stage two: the classifier. Simulated training data, training, calibration, explanation, persistence.

Builds on `features` only; knows nothing of HTTP.
"""
