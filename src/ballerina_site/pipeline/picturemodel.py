"""The picture model from the store's entries: each processed image as a :class:`Picture` of
:class:`Variant`\\ s, and each file to publish, by output path and by output folder, with what each
folder's files come from (its signature: a folder whose files are the same as when a build sealed
it is not read again, see output/listing.py).

Made for every picture of every build (a thousand lead images are 17,000 files), so plain string
work: no Path objects, one loop per picture.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..core.model import Picture, Variant
from ..render.images import EXTENSIONS, MEDIA_TYPES
from ..store.images import Entry, ImageStore, entry_key
from .imagerefs import Ref

CARDS_DIR = "images/cards"


@dataclass(slots=True)
class Publishing:
    """The store's files to publish, as the pictures are made from their entries."""

    states: Mapping[str, Any]  # each entry's folder state (store/images.py), or None when unknown
    published: dict[str, str] = field(default_factory=dict)  # output path -> the store's file to link
    made: dict[str, dict[str, str]] = field(default_factory=dict)  # the same by output folder: name -> file
    parts: dict[str, list[tuple[str, str, Any]]] = field(default_factory=dict)  # folder -> what its files come from

    def folder(self, folder: str) -> dict[str, str]:
        names = self.made.get(folder)
        if names is None:
            names = self.made[folder] = {}
        return names

    def signatures(self) -> dict[str, str]:
        """Per output folder, what its made files are (a folder with an entry of unknown state has none)."""
        return {folder: entry_key(sorted(set(found))) for folder, found in self.parts.items()
                if all(part[2] is not None for part in found)}


def card_variant(key: str, entry: Entry, shelf: ImageStore, publishing: Publishing) -> Variant:
    """A social card, published as ``images/cards/<key>.jpg``."""
    role, fmt, width, height, size = entry[0]
    extension = EXTENSIONS[fmt]
    name = f"{key[:16]}.{extension}"
    publishing.parts.setdefault(CARDS_DIR, []).append(("", key, publishing.states.get(key)))
    publishing.published[f"{CARDS_DIR}/{name}"] = publishing.folder(CARDS_DIR)[name] = \
        f"{shelf.entry_path(key)}/{role}.{extension}"
    return Variant(f"{CARDS_DIR}/{name}", width, height, MEDIA_TYPES[fmt], size)


def picture(ref: Ref, key: str, entry: Entry, shelf: ImageStore, publishing: Publishing) -> Picture:
    """Its variants published beside the source (images/eve.1a2b3c4d-800.webp), and the largest of
    its own format at the source's URL."""
    folder, _, name = ref.output.rpartition("/")
    publishing.parts.setdefault(folder, []).append((ref.output, key, publishing.states.get(key)))
    prefix = folder + "/" if folder else ""
    stem = f"{posixpath.splitext(name)[0]}.{key[:8]}-"
    source = shelf.entry_path(key) + "/"
    published, names = publishing.published, publishing.folder(folder)
    sized: list[Variant] = []
    crops: list[Variant] = []
    share = None
    for role, fmt, width, height, size in entry:
        extension = EXTENSIONS[fmt]
        file = f"{stem}{role}.{extension}"
        path = prefix + file
        published[path] = names[file] = f"{source}{role}.{extension}"
        variant = Variant(path, width, height, MEDIA_TYPES[fmt], size)
        if role.isdigit():
            sized.append(variant)
        elif role == "share":
            share = variant
        elif "x" in role:
            crops.append(variant)
    fallback_type = sized[-1].media_type  # the image's own format comes last at each width
    own = sorted((v for v in sized if v.media_type == fallback_type), key=lambda v: v.width)
    fallback = next((v for v in own if v.width >= 800), own[-1])
    published[ref.output] = names[name] = published[own[-1].path]  # the original's URL: the largest, clean
    ordered = tuple(sorted(sized, key=lambda v: (v.media_type == fallback_type, v.media_type, v.width)))
    token = f"{ref.output} {key} {shelf.entry_id(key, entry)}"  # the variants follow from these alone
    return Picture(ref.written, fallback, ordered, tuple(crops), share, token)
