"""The resource owner's pages in a real browser: Debian's Chromium, driven by selenium."""
