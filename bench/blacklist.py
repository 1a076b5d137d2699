"""Benchmark the blacklist: parse a 200-line list, then match 10 000 generated posts.

Run: `python bench/blacklist.py`. Prints figures only; the data is seeded so runs compare.
"""

from __future__ import annotations

import random
import time

from e621tui.api.models import FileInfo, Flags, Post, Score
from e621tui.core.blacklist.rules import Blacklist

RULES = 200
POSTS = 10_000
TAGS_PER_POST = 40
VOCABULARY = [f"tag_{i}" for i in range(5_000)]


def make_blacklist(rng: random.Random, wildcard_share: float) -> str:
    """A list shaped like real ones: mostly tags, some negation, groups, wildcards, metatags."""
    lines = ["# generated benchmark blacklist", ""]
    for i in range(RULES):
        roll = rng.random()
        tag = rng.choice(VOCABULARY)
        if roll < wildcard_share:
            lines.append(f"{tag[:6]}{rng.randint(1, 49)}*")
        elif roll < wildcard_share + 0.15:
            lines.append(f"{tag} -rating:s")
        elif roll < wildcard_share + 0.30:
            lines.append(f"{tag} ~{rng.choice(VOCABULARY)} ~{rng.choice(VOCABULARY)}")
        elif roll < wildcard_share + 0.40:
            lines.append(f"score:<{-rng.randint(1, 50)} {tag}")
        elif roll < wildcard_share + 0.45:
            lines.append(f"user:uploader_{i} #someone")
        else:
            lines.append(tag)
    return "\n".join(lines)


def make_posts(rng: random.Random) -> list[Post]:
    """Posts with 40 tags from a 5 000-tag vocabulary and varied metatag fields."""
    return [
        Post(
            id=i + 1,
            tags={
                "general": rng.sample(VOCABULARY, TAGS_PER_POST - 4),
                "species": rng.sample(VOCABULARY, 2),
                "artist": rng.sample(VOCABULARY, 2),
            },
            rating=rng.choice("sqe"),
            score=Score(total=rng.randint(-100, 1000)),
            fav_count=rng.randint(0, 5000),
            file=FileInfo(width=1920, height=1080, size=rng.randint(10_000, 20_000_000), ext="png"),
            flags=Flags(pending=rng.random() < 0.05),
            uploader_id=rng.randint(1, 1000),
            uploader_name=f"uploader_{rng.randint(1, 1000)}",
        )
        for i in range(POSTS)
    ]


def run(label: str, wildcard_share: float) -> None:
    rng = random.Random(621)
    text = make_blacklist(rng, wildcard_share)
    posts = make_posts(rng)

    start = time.perf_counter()
    blacklist = Blacklist.parse(text)
    parse_ms = (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    hidden = sum(1 for post in posts if blacklist.is_hidden(post))
    elapsed = time.perf_counter() - start

    print(
        f"{label:<22} rules={len(blacklist):>3}  parse={parse_ms:6.2f} ms  "
        f"match={elapsed * 1000:7.1f} ms  {POSTS / elapsed:>9,.0f} posts/s  "
        f"hidden={hidden}/{POSTS}"
    )


def main() -> None:
    run("typical (5% wildcards)", 0.05)
    run("no wildcards", 0.0)
    run("50% wildcards", 0.5)


if __name__ == "__main__":
    main()
