"""Posts whose original files are real bytes with true md5s, for download tests and the demo.

The ordinary demo posts have synthetic md5s (a hash of the seed and the id), so a client that
checks downloads against `file.md5` rejects them. The posts added here are different: their
originals are generated once, kept in `state.files`, and `file.md5` is the md5 of exactly the
bytes served at `file.url` (`file.size` is their length). They are the newest posts, tagged
`real_file`, so they fill the first page of the default search:

* ``media_1`` … ``media_6``: pictures (jpg and png) by ordinary artists;
* ``media_pool``: a 15-post pool whose reading order is not id order;
* ``media_set``: a public set of the demo user with 5 of them (shortname ``real_files``);
* ``media_video`` (webm), ``media_mp4``, ``media_gif`` (animated), ``media_apng`` (animated
  png): playable posts (the videos are container headers plus noise, not decodable video);
* ``media_hostile_artist``: artist tags such as ``../../etc/evil``, ``CON`` and control
  characters; ``media_hostile_pool``: a pool of 3 with a path-traversal name;
* ``media_hidden``: login-blocked (``young``, rating q): null URLs for anonymous users;
* ``media_deleted``: deleted, so its URLs are null and its file is not served.
"""

from __future__ import annotations

import functools
import hashlib
import io
import multiprocessing
import pickle
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from e621tui.devserver.generate import DEMO_USER_ID, rebuild_tags
from e621tui.devserver.images import draw_picture
from e621tui.devserver.model import DemoState, PoolRec, PostRec, SetRec

MEDIA_TAG = "real_file"
#: Artist tags no file name may be built from as they are.
HOSTILE_ARTISTS = (
    "../../etc/evil",
    "CON",
    "nul.txt",
    "com1",
    "/abs/olute",
    "..",
    "trailing. . ",
    "back\\slash:colon*star?",
    "esc\x1b]0;owned\x07\x1b[31mred\x00nul",
    "\u202eevil\u202c",
)
HOSTILE_POOL_NAME = "../../../outside/\x1b]0;t\x07CON/..\\..\\win"
_VIDEO_HEADERS = {
    "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04webm",
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
}
#: Files made elsewhere (`files_from_a_child`), taken before anything is generated here.
_PREPARED: dict[tuple[object, ...], bytes] = {}
#: While not None, every file generated here is also put in it (in the child process).
_RECORD: dict[tuple[object, ...], bytes] | None = None
_ARTISTS = ("mossbrush", "tidewalker", "amber_quill", "pixelpaws", "lumen_fox", "copperleaf")
_GENERAL = ("solo", "smile", "looking_at_viewer", "outside", "sitting", "simple_background")


@functools.lru_cache(maxsize=512)
def picture_bytes(seed: str, width: int, height: int, ext: str) -> bytes:
    """A deterministic picture with some noise (so it does not compress to nothing)."""
    return _made(("picture", seed, width, height, ext), _picture, seed, width, height, ext)


def _made(key: tuple[object, ...], make: Callable[..., bytes], *args: object) -> bytes:
    body = _PREPARED.pop(key, None)
    if body is None:
        body = make(*args)
    if _RECORD is not None:
        _RECORD[key] = body
    return body


def _picture(seed: str, width: int, height: int, ext: str) -> bytes:
    key = hashlib.md5(seed.encode()).hexdigest()
    image = draw_picture(int(key[:6], 16) % 100_000, key, width, height)
    noise = Image.frombytes("L", (width, height), random.Random(seed).randbytes(width * height))
    image = Image.blend(image, noise.convert("RGB"), 0.18)
    out = io.BytesIO()
    if ext == "jpg":
        image.save(out, "JPEG", quality=85)
    elif ext == "png":
        image.save(out, "PNG", compress_level=1)
    else:
        raise ValueError(f"no still pictures as {ext}")
    return out.getvalue()


@functools.lru_cache(maxsize=32)
def animation_bytes(seed: str, width: int, height: int, ext: str) -> bytes:
    """An animated gif or png of three frames."""
    return _made(("animation", seed, width, height, ext), _animation, seed, width, height, ext)


def _animation(seed: str, width: int, height: int, ext: str) -> bytes:
    key = hashlib.md5(seed.encode()).hexdigest()
    frames = [draw_picture(7, key, width, height, frame) for frame in range(3)]
    out = io.BytesIO()
    if ext == "gif":
        frames = [f.convert("P") for f in frames]
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=300, loop=0)
    elif ext == "png":
        frames[0].save(out, "PNG", save_all=True, append_images=frames[1:], duration=300, loop=0)
    else:
        raise ValueError(f"no animations as {ext}")
    return out.getvalue()


@functools.lru_cache(maxsize=32)
def video_bytes(seed: str, ext: str, size: int) -> bytes:
    """A container header plus noise: sniffs as webm/mp4, is not decodable video."""
    return _VIDEO_HEADERS[ext] + random.Random(seed).randbytes(size)


@dataclass
class _Ids:
    """Allocates new ids (and creation times) above every existing post."""

    next_id: int
    created: float

    def take(self) -> tuple[int, float]:
        post_id, created = self.next_id, self.created
        self.next_id += 3
        self.created += 97.0
        return post_id, created


def _ids(state: DemoState) -> _Ids:
    newest = max(state.posts)
    return _Ids(newest + 1000, state.posts[newest].created + 3600)


def _add_post(
    state: DemoState,
    ids: _Ids,
    body: bytes,
    *,
    ext: str,
    size: tuple[int, int],
    tags: dict[str, list[str]],
    rating: str = "s",
) -> PostRec:
    post_id, created = ids.take()
    uploader = state.users[100]
    md5 = hashlib.md5(body).hexdigest()
    post = PostRec(
        id=post_id,
        created=created,
        updated=created,
        width=size[0],
        height=size[1],
        ext=ext,
        size=len(body),
        md5=md5,
        tags={"general": sorted({*tags.pop("general", []), MEDIA_TAG}), **tags},
        rating=rating,
        uploader_id=uploader.id,
        uploader_name=uploader.name,
        up=5 + post_id % 17,
        fav_count=post_id % 9,
        change_seq=60_000_000 + post_id % 1_000_000,
    )
    post.refresh_tags()
    state.posts[post_id] = post
    state.posts_by_md5[md5] = post
    state.files[md5] = body
    state.ids_desc.append(post_id)
    return post


def _picture_tags(n: int) -> dict[str, list[str]]:
    return {
        "artist": [_ARTISTS[n % len(_ARTISTS)]],
        "copyright": ["original_work"] if n % 3 else [],
        "character": ["marlo"] if n % 2 else [],
        "species": ["fox", "mammal"] if n % 2 else ["dragon"],
        "general": list(_GENERAL[: 2 + n % 4]),
        "meta": ["digital_media_(artwork)"],
    }


def add_real_posts(
    state: DemoState,
    count: int,
    *,
    width: int = 800,
    height: int = 600,
    ext: str = "jpg",
    seed: str = "media",
    ids: _Ids | None = None,
    reindex: bool = True,
) -> list[int]:
    """Add `count` pictures with real files (newest posts); return their ids, oldest first.

    ``reindex=False`` leaves the id order and tag counts to the caller (who adds more).
    """
    ids = ids or _ids(state)
    added = []
    for n in range(count):
        body = picture_bytes(f"{seed}:{n}", width, height, ext)
        post = _add_post(state, ids, body, ext=ext, size=(width, height), tags=_picture_tags(n))
        added.append(post.id)
    if reindex:
        _reindex(state)
    return added


def _reindex(state: DemoState) -> None:
    state.ids_desc.sort(reverse=True)
    rebuild_tags(state)


def add_media(state: DemoState) -> None:
    """Add the real-file posts, pools and set described above (ids in `state.special`)."""
    ids = _ids(state)
    special = state.special
    pool_ids = add_real_posts(state, 15, seed="media-pool", ids=ids, reindex=False)
    rng = random.Random("media-pool-order")
    order = list(pool_ids)
    rng.shuffle(order)
    pool_id = max(state.pools) + 101
    state.pools[pool_id] = PoolRec(
        id=pool_id,
        name="Lantern_Road_Comic",
        created=state.now - 20 * 86400,
        updated=state.now - 3600,
        creator_id=100,
        creator_name=state.users[100].name,
        description="A [b]15-page[/b] comic whose files are real (for download tests).",
        category="series",
        post_ids=order,
    )
    for post_id in order:
        state.posts[post_id].pools.append(pool_id)
    special["media_pool"] = pool_id

    animated = {"meta": ["animated"], "artist": ["lumen_fox"], "species": ["fox"]}
    video = _add_post(state, ids, video_bytes("media-webm", "webm", 300_000), ext="webm",
                      size=(1280, 720), tags={k: list(v) for k, v in animated.items()})  # fmt: skip
    video.duration = 4.0
    special["media_video"] = video.id
    mp4 = _add_post(state, ids, video_bytes("media-mp4", "mp4", 200_000), ext="mp4",
                    size=(640, 480), tags={k: list(v) for k, v in animated.items()})  # fmt: skip
    mp4.duration = 2.5
    special["media_mp4"] = mp4.id
    gif = _add_post(state, ids, animation_bytes("media-gif", 320, 240, "gif"), ext="gif",
                    size=(320, 240), tags={k: list(v) for k, v in animated.items()})  # fmt: skip
    special["media_gif"] = gif.id
    apng_tags = {k: list(v) for k, v in animated.items()}
    apng_tags["meta"] = ["animated", "animated_png"]
    apng = _add_post(state, ids, animation_bytes("media-apng", 320, 240, "png"), ext="png",
                     size=(320, 240), tags=apng_tags)  # fmt: skip
    special["media_apng"] = apng.id

    hostile_tags = _picture_tags(1)
    hostile_tags["artist"] = sorted(HOSTILE_ARTISTS)
    hostile_tags["copyright"] = ["../copyright", "AUX"]
    hostile_tags["character"] = ["C:\\Windows\\system32"]
    hostile_tags["species"] = ["~/.ssh/authorized_keys"]
    hostile = _add_post(state, ids, picture_bytes("media-hostile", 640, 480, "jpg"), ext="jpg",
                        size=(640, 480), tags=hostile_tags)  # fmt: skip
    special["media_hostile_artist"] = hostile.id

    hidden_tags = _picture_tags(2)
    hidden_tags["general"] = [*hidden_tags["general"], "young"]
    hidden = _add_post(state, ids, picture_bytes("media-hidden", 640, 480, "jpg"), ext="jpg",
                       size=(640, 480), tags=hidden_tags, rating="q")  # fmt: skip
    special["media_hidden"] = hidden.id
    deleted = _add_post(state, ids, picture_bytes("media-deleted", 640, 480, "jpg"), ext="jpg",
                        size=(640, 480), tags=_picture_tags(3))  # fmt: skip
    deleted.deleted = True
    special["media_deleted"] = deleted.id

    singles = []
    for n in range(6):
        ext = "png" if n % 3 == 2 else "jpg"
        body = picture_bytes(f"media-single:{n}", 640 if ext == "png" else 800,
                             480 if ext == "png" else 600, ext)  # fmt: skip
        size = (640, 480) if ext == "png" else (800, 600)
        post = _add_post(state, ids, body, ext=ext, size=size, tags=_picture_tags(n))
        singles.append(post.id)
    for n, post_id in enumerate(reversed(singles), start=1):
        special[f"media_{n}"] = post_id  # media_1 is the newest post

    hostile_pool_id = pool_id + 37
    members = [singles[0], hostile.id, singles[1]]
    state.pools[hostile_pool_id] = PoolRec(
        id=hostile_pool_id,
        name=HOSTILE_POOL_NAME,
        created=state.now - 86400,
        updated=state.now - 60,
        creator_id=100,
        creator_name=state.users[100].name,
        description="Its name tries to escape the download folder.",
        category="collection",
        post_ids=members,
    )
    for post_id in members:
        state.posts[post_id].pools.append(hostile_pool_id)
    special["media_hostile_pool"] = hostile_pool_id

    set_id = state.new_set_id()
    state.sets[set_id] = SetRec(
        id=set_id,
        name="Real Files",
        shortname="real_files",
        description="Posts whose files are real.",
        is_public=True,
        creator_id=DEMO_USER_ID,
        post_ids=[singles[2], singles[4], pool_ids[0], singles[3], gif.id],
        created=state.now - 86400,
        updated=state.now - 60,
    )
    special["media_set"] = set_id
    _reindex(state)


def files_from_a_child() -> Callable[[], None]:
    """Start making the files `add_media` needs in a forked process (the other CPU core).

    The files depend on their seeds only, not on the rest of the demo data, so the child
    makes them over a small state of its own while this process generates the real one.
    Returns a function that waits for them (call it from a thread); `add_media` then takes
    them instead of drawing and encoding ~0.3 s of pictures under the GIL. Where forking is
    not safe (not Linux) or fails, the returned function does nothing and `add_media` makes
    the files itself.
    """
    if sys.platform != "linux":
        return lambda: None
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_make_files, args=(sender,), daemon=True)
    try:
        child.start()
    except OSError:
        return lambda: None
    sender.close()

    def wait() -> None:
        try:
            files = pickle.loads(receiver.recv_bytes())
        except (EOFError, OSError, pickle.UnpicklingError):
            files = {}  # the child died: add_media makes the files here instead
        finally:
            receiver.close()
            child.join(5)
        _PREPARED.update(files)

    return wait


def _make_files(sender: multiprocessing.connection.Connection) -> None:
    """In the forked child: run `add_media` over a small state, send the files it made."""
    from e621tui.devserver.generate import generate

    global _RECORD
    _RECORD = {}
    add_media(generate(621, 60))
    sender.send_bytes(pickle.dumps(_RECORD, protocol=pickle.HIGHEST_PROTOCOL))
    sender.close()


__all__ = [
    "HOSTILE_ARTISTS",
    "HOSTILE_POOL_NAME",
    "MEDIA_TAG",
    "add_media",
    "add_real_posts",
    "animation_bytes",
    "files_from_a_child",
    "picture_bytes",
    "video_bytes",
]
