"""The default model: the SIMULATED world it learns from (`simulate`, `world`, `goods`, `names`),
its training (`train`) and the rules baseline it must beat (`baseline`)."""
