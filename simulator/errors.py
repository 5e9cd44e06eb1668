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


class InstructionError(BuildError):
    """An instruction BuildKit's instruction parser rejects (instructions/parse.go).

    `message` is the inner message; `wrapped` says whether the builders print it inside
    their "dockerfile parse error line N: ..." prefix (true for ParseInstruction errors,
    false for e.g. "no build stage in current context")."""

    def __init__(self, message: str, line: int | None = None, file: str | None = None, wrapped: bool = True):
        super().__init__(message, line, file)
        self.wrapped = wrapped


class RunFailed(BuildError):
    """A RUN step's process failed: a non-zero exit, or it could not be started."""

    def __init__(self, argv, code: int, start_error: str | None = None):
        super().__init__(start_error or f"exit code: {code}")
        self.argv = tuple(argv)
        self.code = code
        self.start_error = start_error


class StepError(BuildError):
    """A step failed with a message that is already the builder's final line
    (e.g. a COPY source the fs model cannot find, in the builder's own words)."""
