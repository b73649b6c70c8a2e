"""Models trained on a user's labelled history: reading and mapping the data (`data`,
`mapping`), encoding categoricals (`encoding`), the model (`model`), training, evaluation and
the report (`train`, `evaluate`, `report`)."""
