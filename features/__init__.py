"""Stage one: a shipment plus reference data in, signals with their evidence out.

Nothing here knows about HTTP or about the classifier; `model` and `service` build on it.
"""
