"""The deterministic sample-county generator; its output is committed under `data/`."""

DEFAULT_SEED = 2021  # the year "double reduction" began
