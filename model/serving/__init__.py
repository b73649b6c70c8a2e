"""Serving a model: its input layout (`spec`), a shipment's score and reasons (`scorer`,
`reasons`), and model files (`persist`)."""
