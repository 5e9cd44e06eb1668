"""Errors the simulator reports as a real build or run would (exit 1), never as tracebacks."""

from __future__ import annotations


class SimulatorError(Exception):
    """Base class: a failure with a message Docker would print, and where it happened."""

    def __init__(self, message: str, line: int | None = None, file: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.file = file

    def __str__(self) -> str:
        if self.file or self.line:
            where = self.file or "Dockerfile"
            if self.line:
                where += f":{self.line}"
            return f"{where}: {self.message}"
        return self.message


class BuildError(SimulatorError):
    """The build fails as a real one would."""


class ExpansionError(BuildError):
    """Variable expansion failed (unsupported modifier, ${v:?} unset, bad syntax)."""


class RunError(SimulatorError):
    """docker run fails before or while starting the process."""
