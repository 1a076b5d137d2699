"""Lenient decoding of comments, wiki pages, notes, tag rows and related tags."""

from __future__ import annotations

import pytest

from e621tui.api.errors import DecodeError
from e621tui.api.models import convert
from e621tui.api.models_text import (
    Comment,
    RelatedTag,
    Tag,
    WikiPage,
    decode_list,
    decode_one,
    decode_related,
    parse_related_tags,
)


def test_comment_tolerates_nulls_strings_and_missing_vote() -> None:
    comment = convert(
        {"id": "9", "post_id": 123, "body": None, "score": "3", "vote": None,
         "warning_type": "record", "created_at": "a", "updated_at": "b", "extra": [1]},
        Comment,
    )  # fmt: skip
    assert (comment.id, comment.score, comment.body, comment.vote) == (9, 3, "", 0)
    assert comment.warning_text == "User received a record for the contents of this message."
    assert comment.was_edited
    assert convert({"id": 1, "warning_type": "odd"}, Comment).warning_text is not None
    assert convert({"id": 1}, Comment).warning_text is None


def test_lists_unwrap_the_old_envelope_and_skip_bad_items() -> None:
    assert decode_list({"comments": []}, "comments", Comment) == []
    assert decode_list(None, "comments", Comment) == []
    items = decode_list([{"id": 1}, {"id": "x"}, "junk", {"id": 2}], "comments", Comment)
    assert [c.id for c in items] == [1, 2]
    with pytest.raises(DecodeError):
        decode_list("nope", "comments", Comment)
    with pytest.raises(DecodeError):
        decode_one([1], "wiki_page", WikiPage)
    assert decode_one({"wiki_page": {"id": 4}}, "wiki_page", WikiPage).id == 4


def test_wiki_page_redirect_and_display_title() -> None:
    page = convert({"id": 1, "title": "red_fox", "parent": "fox", "other_names": None}, WikiPage)
    assert page.is_redirect and page.display_title == "red fox" and page.other_names == []


def test_related_tags_string_and_endpoint_shapes() -> None:
    parsed = parse_related_tags("fox 300 solo 175 broken x mammal 12.0 dangling")
    assert [(t.name, t.count) for t in parsed] == [("fox", 300), ("solo", 175), ("mammal", 12)]
    assert parse_related_tags(None) == [] and parse_related_tags("") == []
    row = convert({"name": "fox", "related_tags": "fox 300 wolf 20", "category": 5}, Tag)
    assert [t.name for t in row.related()] == ["wolf"] and row.category_name == "species"
    related = decode_related([{"name": "a", "category_id": -1}, {"name": "b", "category_id": 4}])
    assert [(t.name, t.category_id) for t in related] == [("a", None), ("b", 4)]
    assert related[1].category_name == "character" and RelatedTag(name="x").category_name is None
    assert decode_related({"related_tags": []}) == [] and decode_related(None) == []
