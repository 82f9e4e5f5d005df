"""Errors that reach the user as a message, never as a traceback."""


class MirrorcheckError(Exception):
    """A problem the user can fix: the message names the value and the fix."""


class LabError(MirrorcheckError):
    """The lab could not be built or torn down."""
