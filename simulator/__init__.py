"""dockersim: a pure-Python simulator of Dockerfile semantics."""

__version__ = "0.1.0"
