"""What services raise when a rule refuses an action."""


class DomainError(Exception):
    """A refusal with a message for the user, already translated (or lazily translatable)."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message
