"""File descriptors of the simulated shell: text sources and sinks over the FS protocol.

A sink or source may be *unknown*: an unmodelled program wrote to it, so its content
cannot be known. Text is str; files are bytes encoded as UTF-8 (surrogateescape keeps
arbitrary bytes round-tripping)."""

from __future__ import annotations

import attrs


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def decode(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


class Sink:
    def write(self, text: str) -> None:
        raise NotImplementedError

    def mark_unknown(self, reason: str) -> None:
        raise NotImplementedError

    def mark_unordered(self, reason: str) -> None:
        """The lines written so far come in an order the simulator cannot know (directory
        order); an order-insensitive reader (sort, wc) can still use them."""
        self.mark_unknown(reason)


@attrs.define
class BufferSink(Sink):
    parts: list = attrs.field(factory=list)
    unknown: str | None = None  # the reason, once unknown
    unordered: str | None = None  # the reason, when only the order of the lines is unknown

    def mark_unordered(self, reason: str) -> None:
        if self.unordered is None:
            self.unordered = reason

    def write(self, text: str) -> None:
        if text:
            self.parts.append(text)

    def mark_unknown(self, reason: str) -> None:
        if self.unknown is None:
            self.unknown = reason

    def text(self) -> str:
        return "".join(self.parts)


@attrs.define
class FileSink(Sink):
    """An open file: writes go at this descriptor's own offset (O_APPEND: at the end),
    so two descriptors on one file overwrite each other as real ones do."""

    fs: object
    path: str
    append: bool = False
    offset: int = 0

    def write(self, text: str) -> None:
        if not text:
            return
        data = encode(text)
        if self.append:
            self.fs.write(self.path, data, append=True)
            return
        old = self.fs.read(self.path)
        if self.offset == len(old):
            self.fs.write(self.path, data, append=True)
        else:
            pad = b"\0" * max(0, self.offset - len(old))
            self.fs.write(self.path, old[:self.offset] + pad + data + old[self.offset + len(data):])
        self.offset += len(data)

    def mark_unknown(self, reason: str) -> None:
        self.fs.mark_unknown(reason, [self.path])


class NullSink(Sink):
    def write(self, text: str) -> None:
        pass

    def mark_unknown(self, reason: str) -> None:
        pass

    def mark_unordered(self, reason: str) -> None:
        pass


@attrs.define
class Source:
    text: str | None  # None: unknown content
    reason: str | None = None
    unordered: str | None = None  # the lines' order is unknown (why)


EMPTY = Source("")


@attrs.define
class Closed:
    """A closed descriptor (`>&-`)."""


@attrs.define
class FDs:
    table: dict

    def copy(self) -> "FDs":
        return FDs(dict(self.table))

    @property
    def stdin(self) -> Source:
        src = self.table.get(0)
        return src if isinstance(src, Source) else EMPTY

    @property
    def stdout(self) -> Sink:
        s = self.table.get(1)
        return s if isinstance(s, Sink) else NullSink()

    @property
    def stderr(self) -> Sink:
        s = self.table.get(2)
        return s if isinstance(s, Sink) else NullSink()
