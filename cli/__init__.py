"""Command line (typer): thin wrappers that parse options, call the core, print, exit."""
