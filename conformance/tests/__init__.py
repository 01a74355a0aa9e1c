"""Tests of the conformance suite itself: it passes against the reference
server, and each check fails against a server broken in its one way."""
