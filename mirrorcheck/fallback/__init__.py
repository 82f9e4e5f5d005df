"""The fallback suite's library: scenarios from the config, and running them on labs."""
