"""Name templates: ``{artist}/{id}.{ext}`` turned into a safe path below the download folder.

A template is Python format syntax over the fields in `FIELDS`, with ``/`` (or ``\\``)
between folder levels. The template is split into levels *before* the fields are filled in,
so a field can never add a level: a tag like ``../../etc/evil`` becomes one name,
``_.._etc_evil``. Each level is then made safe by `paths.safe_component`.

What the fields hold:

* ``id``, ``score`` (total), ``index`` (1-based position in the batch: pool order for a pool,
  set order for a set, result order for a search, marking order for marked posts): integers;
* ``md5``; ``ext`` (lower-case letters and digits, ``bin`` if the site gave none);
* ``artist``: the post's first artist tag, leaving out markers that are not artists
  (``conditional_dnp``, ``sound_warning``…), or ``unknown_artist`` when there is none;
  ``copyright``, ``character``, ``species``: the first tag of that category, or
  ``unknown_copyright``, ``unknown_character``, ``unknown_species``;
* ``rating``: ``safe``, ``questionable`` or ``explicit``; ``date``: the upload day
  (``YYYY-MM-DD``, ``unknown_date`` if the site sent something else);
* ``pool_id``, ``pool_name`` (as the site spells it, underscores kept), ``set_id``,
  ``set_shortname``: set by pool and set downloads; elsewhere 0 and empty (an empty folder
  level is left out).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from e621tui.api.models import Post
from e621tui.core.downloads.paths import cap_path, safe_component

DEFAULT_TEMPLATE = "{artist}/{id}.{ext}"
DEFAULT_POOL_TEMPLATE = "{pool_name}/{index:04} - {id}.{ext}"

FIELDS: dict[str, type] = {
    "id": int,
    "md5": str,
    "ext": str,
    "artist": str,
    "copyright": str,
    "character": str,
    "species": str,
    "rating": str,
    "score": int,
    "date": str,
    "pool_id": int,
    "pool_name": str,
    "index": int,
    "set_id": int,
    "set_shortname": str,
}
#: A template must use one of these, or every post would get the same name.
UNIQUE_FIELDS = ("id", "md5", "index")
#: Artist-category tags that say something about the post, not who made it.
NOT_ARTISTS = frozenset(
    {
        "avoid_posting",
        "conditional_dnp",
        "sound_warning",
        "epilepsy_warning",
        "third-party_edit",
        "unknown_artist_signature",
    }
)
RATINGS = {"s": "safe", "q": "questionable", "e": "explicit"}
MAX_TEMPLATE_CHARS = 1000
_MAX_WIDTH = 64
_SAMPLE: dict[str, str | int] = {name: (1 if kind is int else "x") for name, kind in FIELDS.items()}
_SPEC = re.compile(
    r"(?:.?[<>=^])?[+\- ]?z?#?0?(?P<width>\d+)?[,_]?(?:\.(?P<precision>\d+))?[bcdeEfFgGnosxX%]?"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EXT = re.compile(r"[^a-z0-9]")


class TemplateError(ValueError):
    """A name template cannot be used; the message says why and is fit to show."""


@dataclass(frozen=True)
class BatchContext:
    """What a batch adds to a post's own fields."""

    index: int = 0
    pool_id: int = 0
    pool_name: str = ""
    set_id: int = 0
    set_shortname: str = ""


@dataclass(frozen=True)
class _Piece:
    literal: str
    field: str | None
    spec: str


@dataclass(frozen=True)
class NameTemplate:
    """A parsed, checked template; `render` never fails for fields of the right types."""

    text: str
    levels: tuple[tuple[_Piece, ...], ...]

    @classmethod
    def parse(cls, text: str) -> NameTemplate:
        """Check ``text`` and parse it (`TemplateError` with a clear message if unusable)."""
        if not isinstance(text, str) or not text.strip():
            raise TemplateError("the name template is empty")
        if len(text) > MAX_TEMPLATE_CHARS:
            raise TemplateError(f"the name template is longer than {MAX_TEMPLATE_CHARS} characters")
        unified = text.replace("\\", "/")
        if unified.startswith(("/", "~")) or re.match(r"[A-Za-z]:", unified):
            raise TemplateError(
                f"the name template {text!r} must be relative (it is put below download_dir)"
            )
        levels: list[tuple[_Piece, ...]] = []
        used: set[str] = set()
        for level in unified.split("/"):
            if not level:
                continue
            if level.strip() in (".", ".."):
                raise TemplateError(f"the name template {text!r} may not contain {level.strip()!r}")
            pieces = _parse_level(text, level)
            used.update(p.field for p in pieces if p.field)
            levels.append(pieces)
        if not levels:
            raise TemplateError("the name template is empty")
        if not used.intersection(UNIQUE_FIELDS):
            raise TemplateError(
                f"the name template {text!r} must use {{id}}, {{md5}} or {{index}}, "
                "or every post would get the same name"
            )
        return cls(text, tuple(levels))

    @property
    def fields(self) -> frozenset[str]:
        """The fields the template uses."""
        return frozenset(p.field for level in self.levels for p in level if p.field)

    def render(self, values: Mapping[str, str | int]) -> PurePosixPath:
        """The safe relative path for these field values."""
        names: list[str] = []
        for number, level in enumerate(self.levels):
            text = "".join(
                piece.literal + (format(values[piece.field], piece.spec) if piece.field else "")
                for piece in level
            )
            if not text.strip():
                if number < len(self.levels) - 1:
                    continue  # an empty folder level (no pool, no set) is left out
                text = f"{values['id']}.{values['ext']}"
            names.append(safe_component(text))
        return PurePosixPath(*cap_path(names))


def _parse_level(text: str, level: str) -> tuple[_Piece, ...]:
    try:
        parsed = list(string.Formatter().parse(level))
    except ValueError as exc:
        raise TemplateError(f"the name template {text!r} is malformed: {exc}") from None
    pieces: list[_Piece] = []
    for literal, field, spec, conversion in parsed:
        if field is None:
            pieces.append(_Piece(literal, None, ""))
            continue
        if field == "" or field.isdigit():
            raise TemplateError(f"the name template {text!r} has an empty {{}}: name a field")
        if field not in FIELDS:
            known = ", ".join(FIELDS)
            raise TemplateError(f"unknown field {{{field}}} in the name template; fields: {known}")
        if conversion:
            raise TemplateError(f"{{{field}!{conversion}}}: conversions are not supported")
        spec = spec or ""
        _check_spec(field, spec)
        pieces.append(_Piece(literal, field, spec))
    return tuple(pieces)


def _check_spec(field: str, spec: str) -> None:
    shown = f"{{{field}:{spec}}}"
    if "{" in spec or "}" in spec:
        raise TemplateError(f"{shown}: nested fields are not supported")
    match = _SPEC.fullmatch(spec)
    if match is None:
        raise TemplateError(f"{shown}: not a valid format for {field}")
    for part in ("width", "precision"):
        if match.group(part) and int(match.group(part)) > _MAX_WIDTH:
            raise TemplateError(f"{shown}: {part} larger than {_MAX_WIDTH}")
    try:
        format(_SAMPLE[field], spec)
    except (ValueError, TypeError) as exc:
        kind = "a number" if FIELDS[field] is int else "text"
        raise TemplateError(f"{shown}: not a valid format for {kind} ({exc})") from None


def check_template(text: str) -> str | None:
    """None if ``text`` is a usable template, else why not (for the settings layer)."""
    try:
        NameTemplate.parse(text)
    except TemplateError as exc:
        return str(exc)
    return None


def _first(post: Post, category: str, default: str, skip: frozenset[str] = frozenset()) -> str:
    for tag in post.tags.get(category, []):
        if isinstance(tag, str) and tag.strip() and tag not in skip:
            return tag
    return default


def post_fields(post: Post, context: BatchContext | None = None) -> dict[str, str | int]:
    """The template fields of a post in a batch (raw site text: `render` makes it safe)."""
    ctx = context or BatchContext()
    ext = _EXT.sub("", (post.file.ext or "").lower())[:8] or "bin"
    created = post.created_at[:10] if isinstance(post.created_at, str) else ""
    return {
        "id": int(post.id),
        "md5": _EXT.sub("", (post.file.md5 or "").lower())[:64] or "no_md5",
        "ext": ext,
        "artist": _first(post, "artist", "unknown_artist", NOT_ARTISTS),
        "copyright": _first(post, "copyright", "unknown_copyright"),
        "character": _first(post, "character", "unknown_character"),
        "species": _first(post, "species", "unknown_species"),
        "rating": RATINGS.get(post.rating, "unknown_rating"),
        "score": int(post.score.total),
        "date": created if _DATE.fullmatch(created) else "unknown_date",
        "pool_id": ctx.pool_id,
        "pool_name": ctx.pool_name,
        "index": ctx.index,
        "set_id": ctx.set_id,
        "set_shortname": ctx.set_shortname,
    }


__all__ = [
    "DEFAULT_POOL_TEMPLATE",
    "DEFAULT_TEMPLATE",
    "FIELDS",
    "BatchContext",
    "NameTemplate",
    "TemplateError",
    "check_template",
    "post_fields",
]
