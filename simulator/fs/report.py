"""Per-layer facts of a simulated image, for `simulate build --layers`."""

from __future__ import annotations


def describe_layers(image) -> list[dict]:
    """One row per filesystem layer: the history row that made it, its size as the engine
    counts it (None when unknown, with the reason) and its files in the recorded
    `layer_files` shape (None when unknown)."""
    made = [h for h in getattr(image, "history", ()) if not h.empty_layer]
    rows = []
    for i, layer in enumerate(getattr(image, "layers", ())):
        known = getattr(layer, "unknown_reason", None) is None
        rows.append({
            "index": i,
            "created_by": made[i].created_by if i < len(made) else None,
            "size": layer.size if known else None,
            "unknown_reason": getattr(layer, "unknown_reason", None),
            "files": layer.files() if known else None,
        })
    return rows
