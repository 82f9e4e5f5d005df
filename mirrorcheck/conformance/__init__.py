"""Conformance checks of the registry pull API, each named as the requirement it verifies.

Checks read only. A target's wrong answer raises CheckFailed (an AssertionError), an
unsupported feature calls pytest.skip with the reason, and anything else is an error of the
suite itself.
"""
