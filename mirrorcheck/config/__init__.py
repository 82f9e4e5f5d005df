"""Checks of a daemon.json file: syntax, engine acceptance, good practice, in force."""
