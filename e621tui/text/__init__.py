"""Text from the site made safe to show: sanitizing and DText (a leaf)."""
