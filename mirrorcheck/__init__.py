"""mirrorcheck: conformance and fallback tests for Docker registry mirrors."""

__version__ = "0.1.0"
