"""The headless core: sessions, feeds, images, writes, sets and the blacklist.

It never imports textual (checked by import-linter and a test): scripts can use it directly.
"""
