"""The project's exception classes.

Every error the bots raise derives from `O2CError`. The two that decide what happens
to a work item are `BusinessError` (the data is wrong or unknown: an operator must
decide, never retried) and `TechnicalError` (a system failed: retried with backoff,
then handed to an operator). Each carries the step that failed, a short machine code
and a message a clerk can act on.
"""

from __future__ import annotations

from typing import Any


class O2CError(Exception):
    """Root of every error raised on purpose by this project."""

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context


class ConfigError(O2CError):
    """A setting is missing or invalid; the message names the key and the fix."""

    def __init__(self, key: str, problem: str, fix: str) -> None:
        super().__init__(f"setting '{key}': {problem}. Fix: {fix}", key=key)
        self.key = key
        self.problem = problem
        self.fix = fix


class DocumentError(O2CError):
    """An input file cannot be read: corrupt, encrypted, empty, too big, wrong kind."""

    def __init__(self, source: str, code: str, message: str) -> None:
        super().__init__(f"{source}: {message}", source=source, code=code)
        self.source = source
        self.code = code


class WorkItemError(O2CError):
    """A failure while processing one work item."""

    kind = "technical"

    def __init__(
        self,
        code: str,
        message: str,
        *,
        step: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, code=code, step=step)
        self.code = code
        self.step = step
        self.details = details or {}


class BusinessError(WorkItemError):
    """The data is wrong or unknown: goes to the exception queue, never retried."""

    kind = "business"


class TechnicalError(WorkItemError):
    """A system failed (timeout, HTTP error, selector missing): retried with backoff."""

    kind = "technical"


class SystemUnavailable(TechnicalError):
    """A system the run needs is down; the circuit breaker may stop the run."""


class IllegalTransition(O2CError):
    """A work item was asked to move to a status its current status does not allow."""
