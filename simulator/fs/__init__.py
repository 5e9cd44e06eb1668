"""The layered filesystem: layers of changes, merged views, and a working FS for RUN/COPY.

    Entry        one path's state (file, dir, symlink, hardlink, device, fifo, whiteout)
    Layer        a frozen set of changes; `size` as Docker (overlay2) counts it
    LayerStack   layers bottom first, with merged-view lookups
    WorkingFS    copy-on-write FS over a stack (simulator/fs/protocol.py); commit() -> Layer
"""

from .entry import Entry
from .layer import Layer, LayerStack
from .protocol import FS, Stat, UnknownContent
from .working import WorkingFS

RootFS = LayerStack

__all__ = ["Entry", "Layer", "LayerStack", "RootFS", "WorkingFS", "FS", "Stat", "UnknownContent"]
