"""The one error type the deploy and rollback scripts stop on."""


class DeployError(RuntimeError):
    """A step failed; the message says which and what to do, and never holds a secret value."""
