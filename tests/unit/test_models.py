"""Decoding of the site's JSON into models: lenient where the site is inconsistent, strict types."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from e621tui.api.errors import DecodeError
from e621tui.api.models import (
    TAG_CATEGORIES,
    FavoriteResult,
    Pool,
    Post,
    PostSet,
    SetChoice,
    TagSuggestion,
    User,
    VoteResult,
    convert,
    convert_many,
    decode_favorite,
    decode_post,
    decode_posts,
    decode_set_choices,
    unwrap,
)

STATIC = "https://static1.e621.net/data"
MD5 = "0123456789abcdef0123456789abcdef"


def legacy_post(**overrides: Any) -> dict[str, Any]:
    """A legacy post object with every field of e621-api.md §2.4, as the site emits it."""
    post: dict[str, Any] = {
        "id": 4123456,
        "created_at": "2025-09-14T21:03:11.482-04:00",
        "updated_at": "2026-01-02T08:15:00.000-05:00",
        "file": {
            "width": 2400,
            "height": 1800,
            "ext": "png",
            "size": 3145728,
            "md5": MD5,
            "url": f"{STATIC}/01/23/{MD5}.png",
        },
        "preview": {
            "width": 256,
            "height": 192,
            "url": f"{STATIC}/preview/01/23/{MD5}.jpg",
            "alt": f"{STATIC}/preview/01/23/{MD5}.webp",
        },
        "sample": {
            "has": True,
            "height": 637,
            "width": 850,
            "url": f"{STATIC}/sample/01/23/{MD5}.jpg",
            "alt": f"{STATIC}/sample/01/23/{MD5}.webp",
            "alternates": {},
        },
        "score": {"up": 152, "down": -7, "total": 145},
        "tags": {
            "general": ["solo", "smile", "outside"],
            "artist": ["some_artist"],
            "contributor": ["helper"],
            "copyright": ["some_game"],
            "character": ["the_fox"],
            "species": ["fox", "canine"],
            "invalid": [],
            "meta": ["hi_res", "digital_media_(artwork)"],
            "lore": [],
        },
        "locked_tags": ["solo"],
        "change_seq": 61234567,
        "flags": {
            "pending": False,
            "flagged": False,
            "note_locked": False,
            "status_locked": False,
            "rating_locked": True,
            "deleted": False,
        },
        "rating": "s",
        "fav_count": 321,
        "sources": ["https://example.com/art/1", "https://example.org/u/2"],
        "pools": [9876, 9876],
        "relationships": {
            "parent_id": 4000000,
            "has_children": True,
            "has_active_children": False,
            "children": [4123500, 4123501],
        },
        "approver_id": 171621,
        "uploader_id": 54321,
        "uploader_name": "an_uploader",
        "description": "[b]A fox[/b] in the autumn leaves.",
        "comment_count": 12,
        "is_favorited": True,
        "vote": -1,
        "has_notes": True,
        "duration": None,
    }
    post.update(overrides)
    return post


VIDEO_ALTERNATES_2025 = {
    "has": True,
    "original": {
        "codec": "vp9",
        "fps": 30.0,
        "size": 9437184,
        "width": 1920,
        "height": 1080,
        "url": f"{STATIC}/ab/cd/{MD5}.webm",
    },
    "variants": {
        "mp4": {
            "width": 1920,
            "height": 1080,
            "codec": "h264",
            "fps": 30.0,
            "size": 8000000,
            "url": f"{STATIC}/sample/ab/cd/{MD5}.mp4",
        },
        "webm": None,
    },
    "samples": {
        "720p": {
            "width": 1280,
            "height": 720,
            "codec": "h264",
            "fps": 30.0,
            "size": 3000000,
            "url": f"{STATIC}/sample/ab/cd/{MD5}_720p.mp4",
        },
        "480p": None,
    },
}

VIDEO_ALTERNATES_OLD = {
    "720p": {
        "type": "video",
        "width": 1280,
        "height": 720,
        "urls": [f"{STATIC}/sample/ab/cd/720p_{MD5}.webm", f"{STATIC}/sample/ab/cd/{MD5}.mp4"],
    },
    "480p": {"type": "video", "width": 640, "height": 480, "urls": [None, None]},
    "original": {
        "type": "video",
        "width": 1920,
        "height": 1080,
        "urls": [f"{STATIC}/ab/cd/{MD5}.webm", None],
    },
}


def video_post(alternates: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    base = legacy_post(
        id=4200000,
        file={
            "width": 1920,
            "height": 1080,
            "ext": "webm",
            "size": 9437184,
            "md5": MD5,
            "url": f"{STATIC}/ab/cd/{MD5}.webm",
        },
        sample={
            "has": True,
            "width": 1920,
            "height": 1080,
            "url": f"{STATIC}/sample/ab/cd/{MD5}.jpg",
            "alt": None,
            "alternates": copy.deepcopy(alternates),
        },
        duration=12.345,
    )
    base.update(overrides)
    return base


# ---- the full post ---------------------------------------------------------------------------


def test_every_field_of_the_legacy_post() -> None:
    post = decode_post({"post": legacy_post()})
    assert post.id == 4123456
    assert post.created_at == "2025-09-14T21:03:11.482-04:00"
    assert post.updated_at == "2026-01-02T08:15:00.000-05:00"
    assert (post.file.width, post.file.height, post.file.ext) == (2400, 1800, "png")
    assert post.file.size == 3145728 and post.file.md5 == MD5
    assert post.file.url == f"{STATIC}/01/23/{MD5}.png"
    assert (post.preview.width, post.preview.height) == (256, 192)
    assert post.preview.url is not None and post.preview.url.endswith(".jpg")
    assert post.preview.alt is not None and post.preview.alt.endswith(".webp")
    assert post.sample.has and (post.sample.width, post.sample.height) == (850, 637)
    assert post.sample.url is not None and post.sample.alt is not None
    assert post.sample.alternates == {}
    assert (post.score.up, post.score.down, post.score.total) == (152, -7, 145)
    assert post.tags["species"] == ["fox", "canine"]
    assert post.locked_tags == ["solo"]
    assert post.change_seq == 61234567
    assert post.flags.rating_locked and not post.flags.deleted and not post.flags.pending
    assert post.rating == "s" and post.fav_count == 321
    assert post.sources == ["https://example.com/art/1", "https://example.org/u/2"]
    assert post.pools == [9876, 9876]
    rel = post.relationships
    assert rel.parent_id == 4000000 and rel.has_children and not rel.has_active_children
    assert rel.children == [4123500, 4123501]
    assert post.approver_id == 171621
    assert post.uploader_id == 54321 and post.uploader_name == "an_uploader"
    assert post.description.startswith("[b]A fox")
    assert post.comment_count == 12
    assert post.is_favorited and post.vote == -1 and post.has_notes
    assert post.duration is None
    assert not post.is_video and not post.is_animated and not post.is_flash
    assert not post.is_hidden and not post.is_deleted
    assert post.display_url == post.sample.url
    assert post.preview_url == post.preview.url
    assert post.tag_count == 11
    assert "fox" in post.all_tags and "hi_res" in post.all_tags and len(post.all_tags) == 11


def test_bare_and_wrapped_single_post_decode_the_same() -> None:
    assert decode_post(legacy_post()) == decode_post({"post": legacy_post()})


@pytest.mark.parametrize("alternates", [VIDEO_ALTERNATES_2025, VIDEO_ALTERNATES_OLD])
def test_video_post_with_either_alternates_shape(alternates: dict[str, Any]) -> None:
    post = decode_post({"post": video_post(alternates)})
    assert post.is_video and post.is_animated and not post.is_flash
    assert post.duration == pytest.approx(12.345)
    assert post.display_url == post.sample.url  # the JPEG still, never the video
    assert post.file.url is not None and post.file.url.endswith(".webm")
    assert set(post.sample.alternates) == set(alternates)


def test_2025_alternates_keep_their_content_and_drop_null_entries() -> None:
    alternates = decode_post(video_post(VIDEO_ALTERNATES_2025)).sample.alternates
    assert alternates["variants"]["mp4"]["url"].endswith(".mp4")
    assert alternates["samples"]["720p"]["height"] == 720
    assert "webm" not in alternates["variants"] and "480p" not in alternates["samples"]


def test_old_alternates_keep_their_urls() -> None:
    alternates = decode_post(video_post(VIDEO_ALTERNATES_OLD)).sample.alternates
    assert alternates["720p"]["urls"][1].endswith(".mp4")
    assert alternates["original"]["type"] == "video"


def test_hidden_video_has_null_urls_everywhere() -> None:
    hidden_alts = copy.deepcopy(VIDEO_ALTERNATES_2025)
    hidden_alts["original"]["url"] = None
    hidden_alts["variants"]["mp4"]["url"] = None
    raw = video_post(
        hidden_alts,
        file={"ext": "mp4", "md5": MD5, "url": None, "width": 640, "height": 480, "size": 1},
        preview={"width": 256, "height": 144, "url": None, "alt": None},
        sample={"has": True, "url": None, "alt": None, "alternates": hidden_alts},
    )
    post = decode_post(raw)
    assert post.is_hidden and post.is_video
    assert post.display_url is None and post.preview_url is None
    assert post.file.md5 == MD5  # md5/ext stay even when hidden


# ---- leniency --------------------------------------------------------------------------------


def test_missing_keys_take_defaults() -> None:
    post = decode_post({"post": {"id": 7}})
    assert post.id == 7
    assert post.created_at == "" and post.updated_at is None
    assert post.file.url is None and post.file.ext == "" and post.file.width == 0
    assert post.preview.url is None and post.sample.has is False
    assert post.sample.alternates == {}
    assert (post.score.up, post.score.down, post.score.total) == (0, 0, 0)
    assert post.tags == {} and post.locked_tags == [] and post.sources == [] and post.pools == []
    assert post.rating == "q" and post.fav_count == 0 and post.change_seq == 0
    assert post.relationships.parent_id is None and post.relationships.children == []
    assert post.approver_id is None and post.uploader_name == "" and post.description == ""
    assert not post.is_favorited and post.vote == 0 and post.duration is None
    assert post.is_hidden and post.display_url is None
    assert post.tags_by_category() == [] and post.tag_count == 0


def test_unknown_keys_are_ignored_at_every_level() -> None:
    raw = legacy_post(
        hotness=12.5, v2_only={"x": 1}, flags={"deleted": True, "comment_disabled": 1}
    )
    raw["file"]["sha256"] = "ff" * 32
    raw["score"]["ratio"] = 0.95
    raw["relationships"]["grandparent"] = [1, 2]
    post = decode_post({"post": raw, "extra": "ignored"})
    assert post.id == 4123456 and post.flags.deleted and post.file.md5 == MD5
    assert post.score.total == 145


def test_json_nulls_for_non_null_fields_take_defaults() -> None:
    raw = legacy_post(
        created_at=None,
        rating=None,
        fav_count=None,
        tags={"general": None, "artist": ["a", None, "b"]},
        locked_tags=None,
        sources=None,
        pools=[1, None, 2],
        description=None,
        uploader_name=None,
        is_favorited=None,
        vote=None,
        score={"up": None, "down": -3, "total": None},
        flags=None,
        relationships={"parent_id": None, "children": None, "has_children": None},
    )
    raw["sample"]["has"] = None  # swf posts in 2020 data (#199)
    raw["sample"]["alternates"] = None
    raw["file"]["width"] = None
    post = decode_post(raw)
    assert post.created_at == "" and post.rating == "q" and post.fav_count == 0
    assert post.tags == {"artist": ["a", "b"]}
    assert post.locked_tags == [] and post.sources == [] and post.pools == [1, 2]
    assert post.description == "" and post.uploader_name == ""
    assert post.is_favorited is False and post.vote == 0
    assert (post.score.up, post.score.down, post.score.total) == (0, -3, 0)
    assert post.flags.deleted is False
    assert post.relationships.parent_id is None and post.relationships.children == []
    assert post.sample.has is False and post.sample.alternates == {}
    assert post.file.width == 0


def test_numbers_sent_as_strings_are_coerced() -> None:
    post = decode_post({"id": "12", "fav_count": "3", "score": {"up": "4", "down": "-1"}})
    assert post.id == 12 and post.fav_count == 3
    assert (post.score.up, post.score.down) == (4, -1)


@pytest.mark.parametrize(
    "raw",
    [
        {},
        {"id": None},
        {"id": "twelve"},
        {"id": 1.5},
        {"id": 1, "file": "not an object"},
        {"id": 1, "tags": ["flat", "list"]},
        {"id": 1, "rating": 5},
        {"id": 1, "score": {"up": [1]}},
        "a string",
        42,
        None,
        [],
    ],
)
def test_what_cannot_fit_is_a_decode_error(raw: Any) -> None:
    with pytest.raises(DecodeError):
        decode_post(raw)


def test_score_down_stays_negative_and_total_is_not_recomputed() -> None:
    post = decode_post(legacy_post(score={"up": 82, "down": -5, "total": 88}))
    assert post.score.down == -5
    assert post.score.total == 88  # legacy-imported posts: total != up + down


# ---- URLs ------------------------------------------------------------------------------------


def test_null_urls_mean_hidden() -> None:
    raw = legacy_post()
    for part in ("file", "preview", "sample"):
        raw[part]["url"] = None
    raw["preview"]["alt"] = None
    raw["sample"]["alt"] = None
    raw["flags"]["deleted"] = True
    post = decode_post(raw)
    assert post.is_hidden and post.is_deleted
    assert post.display_url is None and post.preview_url is None


def test_one_url_is_enough_to_not_be_hidden() -> None:
    raw = legacy_post()
    raw["file"]["url"] = None
    raw["sample"]["url"] = None
    assert not decode_post(raw).is_hidden


def test_display_url_falls_back_from_sample_to_file() -> None:
    raw = legacy_post()
    raw["sample"] = {"has": False, "width": 2400, "height": 1800, "url": None, "alternates": {}}
    post = decode_post(raw)
    assert post.display_url == post.file.url


def test_display_url_of_a_video_without_sample_is_the_preview() -> None:
    raw = video_post({}, sample={"has": False, "url": None})
    post = decode_post(raw)
    assert post.display_url == post.preview.url  # never the webm itself
    raw["preview"]["url"] = None
    assert decode_post(raw).display_url == raw["preview"]["alt"]


def test_display_url_of_flash_is_the_preview() -> None:
    raw = legacy_post(file={"ext": "swf", "url": f"{STATIC}/x.swf"}, sample={"has": None})
    post = decode_post(raw)
    assert post.is_flash and post.is_animated
    assert post.display_url == post.preview.url


def test_preview_url_falls_back_to_webp() -> None:
    raw = legacy_post()
    raw["preview"]["url"] = None
    assert decode_post(raw).preview_url == raw["preview"]["alt"]


def test_animated_by_extension_or_tag() -> None:
    assert decode_post(legacy_post(file={"ext": "gif"})).is_animated
    assert decode_post(legacy_post(file={"ext": "GIF"})).is_animated
    tagged = legacy_post(tags={"meta": ["animated"]}, file={"ext": "png"})
    assert decode_post(tagged).is_animated
    assert decode_post(legacy_post(file={"ext": "MP4"})).is_video


# ---- tags ------------------------------------------------------------------------------------


def test_tags_by_category_follows_the_site_order_with_unknown_last() -> None:
    raw = legacy_post(
        tags={
            "general": ["smile"],
            "zeta_new": ["z1"],
            "meta": ["hi_res"],
            "lore": [],
            "artist": ["an_artist"],
            "alpha_new": ["a1"],
            "contributor": ["helper"],
            "species": ["fox"],
            "empty_new": [],
        }
    )
    order = [cat for cat, _ in decode_post(raw).tags_by_category()]
    assert order == ["artist", "contributor", "species", "general", "meta", "alpha_new", "zeta_new"]
    known = [cat for cat in order if cat in TAG_CATEGORIES]
    assert known == sorted(known, key=TAG_CATEGORIES.index)


def test_tags_by_category_keeps_tag_order_within_a_category() -> None:
    post = decode_post(legacy_post(tags={"general": ["b", "a", "c"]}))
    assert post.tags_by_category() == [("general", ["b", "a", "c"])]


# ---- lists and envelopes ---------------------------------------------------------------------


def test_post_list_wrapped_and_bare() -> None:
    raws = [legacy_post(id=3), legacy_post(id=2), legacy_post(id=1)]
    wrapped, skipped = decode_posts({"posts": raws})
    assert [p.id for p in wrapped] == [3, 2, 1] and skipped == 0
    bare, skipped = decode_posts(copy.deepcopy(raws))
    assert bare == wrapped and skipped == 0


@pytest.mark.parametrize("body", [{"posts": []}, [], {}, {"post_sets": []}, {"tags": []}])
def test_empty_lists_in_every_known_shape(body: Any) -> None:
    assert decode_posts(body) == ([], 0)


def test_unwrap_rules() -> None:
    assert unwrap({"posts": [1]}, "posts") == [1]
    assert unwrap({"post_sets": []}, "pools") == []  # e621ng#359 quirk: single key → its value
    assert unwrap({}, "tags") == []
    assert unwrap([1, 2], "posts") == [1, 2]
    assert unwrap({"a": 1, "b": 2}, "posts") == {"a": 1, "b": 2}
    assert unwrap({"posts": [], "meta": 1}, "posts") == []
    assert unwrap(None, "posts") is None


def test_malformed_entries_are_skipped_and_counted() -> None:
    raws = [legacy_post(id=5), {"id": "nope"}, "junk", None, [1, 2], {"no_id": 1}, {"id": 4}]
    posts, skipped = decode_posts({"posts": raws})
    assert [p.id for p in posts] == [5, 4]
    assert skipped == 5


def test_a_post_list_that_is_not_a_list_is_a_decode_error() -> None:
    for body in ({"posts": {"id": 1}}, {"posts": "x"}, "x", 3, None):
        with pytest.raises(DecodeError):
            decode_posts(body)


def test_convert_many_of_pools_and_sets() -> None:
    pools, skipped = convert_many([{"id": 1, "name": "a_b"}, {"name": "no id"}], Pool)
    assert [p.display_name for p in pools] == ["a b"] and skipped == 1
    sets, skipped = convert_many(unwrap({"post_sets": []}, "post_sets"), PostSet)
    assert sets == [] and skipped == 0


# ---- favorites -------------------------------------------------------------------------------


def test_favorite_new_shape() -> None:
    result = decode_favorite({"post_id": 4123456, "favorite_count": 322}, 4123456)
    assert result == FavoriteResult(post_id=4123456, favorite_count=322, post=None)


def test_favorite_new_shape_without_post_id_uses_the_requested_one() -> None:
    result = decode_favorite({"favorite_count": 9}, 77)
    assert result.post_id == 77 and result.favorite_count == 9


def test_favorite_old_shape_carries_the_post() -> None:
    raw = legacy_post(fav_count=400)
    result = decode_favorite({"post": raw}, 4123456)
    assert result.post_id == 4123456 and result.favorite_count == 400
    assert isinstance(result.post, Post) and result.post.is_favorited


@pytest.mark.parametrize("body", [None, {}, b"", ""])
def test_favorite_empty_body(body: Any) -> None:
    result = decode_favorite(body, 55)
    assert result == FavoriteResult(post_id=55)


def test_favorite_with_wrong_types_is_a_decode_error() -> None:
    with pytest.raises(DecodeError):
        decode_favorite({"post_id": "x", "favorite_count": 1}, 5)
    with pytest.raises(DecodeError):
        decode_favorite({"post": {"id": "bad"}}, 5)


# ---- sets ------------------------------------------------------------------------------------


def test_set_choices() -> None:
    body = {
        "Owned": [["Cozy Autumn", 300], ["Night Skies", 311]],
        "Maintained": [["Dragon Hoard", 355]],
    }
    assert decode_set_choices(body) == [
        SetChoice(id=300, name="Cozy Autumn", owned=True),
        SetChoice(id=311, name="Night Skies", owned=True),
        SetChoice(id=355, name="Dragon Hoard", owned=False),
    ]


def test_set_choices_skip_junk_entries() -> None:
    body = {
        "Owned": [
            ["good", 1],
            ["id as text", "2"],
            ["too", 3, "long"],
            ["short"],
            [4, "swapped"],
            "junk",
            None,
            {"name": "x", "id": 5},
            ["float id", 6.0],
            ["bool id", True],
            ["also good", 7],
        ],
        "Maintained": None,
        "Other": [["ignored", 8]],
    }
    choices = decode_set_choices(body)
    assert choices == [SetChoice(1, "good", True), SetChoice(7, "also good", True)]
    assert all(type(c.id) is int for c in choices)


@pytest.mark.parametrize(
    "body", [None, [], [["a", 1]], "x", {"Owned": "x"}, {"Maintained": {"a": 1}}]
)
def test_set_choices_of_the_wrong_shape_are_a_decode_error(body: Any) -> None:
    with pytest.raises(DecodeError):
        decode_set_choices(body)


def test_set_choices_empty() -> None:
    assert decode_set_choices({}) == []
    assert decode_set_choices({"Owned": [], "Maintained": []}) == []


def test_post_set_object() -> None:
    raw = {
        "id": 300,
        "name": "Cozy Autumn",
        "shortname": "cozy_autumn",
        "description": "",
        "is_public": False,
        "transfer_on_delete": True,
        "creator_id": 9,
        "post_ids": [5, 3, 9],
        "post_count": 3,
        "created_at": "2025-01-01T00:00:00.000-05:00",
        "updated_at": "2025-01-02T00:00:00.000-05:00",
        "creator_ip_addr": None,
    }
    post_set = convert(raw, PostSet)
    assert post_set.post_ids == [5, 3, 9]  # insertion order kept
    assert not post_set.is_public and post_set.transfer_on_delete and post_set.post_count == 3


# ---- users, votes, pools, tags ---------------------------------------------------------------


def test_user_with_blacklist_and_private_fields() -> None:
    raw = {
        "id": 12345,
        "created_at": "2020-02-02T00:00:00.000-05:00",
        "name": "demo",
        "level": 20,
        "level_string": "Member",
        "favorite_count": 120,
        "blacklisted_tags": "rating:e\r\ngore\n-rating:s young",
        "per_page": 75,
        "enable_safe_mode": False,
        "api_burst_limit": 60,
        "remaining_api_limit": 59,
        "email": "x@example.com",
        "avatar_id": None,
        "is_banned": False,
    }
    user = convert(raw, User)
    assert user.id == 12345 and user.name == "demo" and user.level_string == "Member"
    assert user.blacklisted_tags == "rating:e\r\ngore\n-rating:s young"
    assert user.per_page == 75 and user.enable_safe_mode is False
    assert user.api_burst_limit == 60 and user.remaining_api_limit == 59


def test_other_users_have_no_private_fields() -> None:
    user = convert({"id": 2, "name": "other", "level": 30}, User)
    assert user.blacklisted_tags is None and user.per_page is None
    assert user.enable_safe_mode is None


def test_vote_result() -> None:
    result = convert({"score": 145, "up": 152, "down": -7, "our_score": -1}, VoteResult)
    assert (result.score, result.up, result.down, result.our_score) == (145, 152, -7, -1)
    assert convert({}, VoteResult) == VoteResult()
    with pytest.raises(DecodeError):
        convert({"score": "lots"}, VoteResult)


def test_pool_display_name_and_order() -> None:
    raw = {
        "id": 9876,
        "name": "The_Long_Road_-_Chapter_2",
        "created_at": "2024-04-04T00:00:00.000-05:00",
        "updated_at": None,
        "creator_id": 7,
        "creator_name": "writer",
        "description": "",
        "is_active": False,
        "category": "collection",
        "post_ids": [30, 10, 20],
        "post_count": 3,
    }
    pool = convert(raw, Pool)
    assert pool.display_name == "The Long Road - Chapter 2"
    assert pool.post_ids == [30, 10, 20]
    assert pool.updated_at == "" and not pool.is_active and pool.category == "collection"


def test_tag_suggestion_category_names() -> None:
    artist = convert({"id": 1, "name": "x", "post_count": 3, "category": 1}, TagSuggestion)
    assert artist.category_name == "artist"
    assert convert({"category": 8}, TagSuggestion).category_name == "lore"
    assert convert({"category": 99}, TagSuggestion).category_name == "general"
