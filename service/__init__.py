"""Stage three: the service. HTTP API, command line, the home directory's state, settings."""
