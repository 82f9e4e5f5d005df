"""Conformance checks of the registry pull API, each named as the requirement it verifies.

Checks only read. A wrong response from the target raises CheckFailed (an
AssertionError). An unsupported feature calls pytest.skip with the reason. Any other
exception is an error of the suite itself.
"""
