"""Makes this directory a conformance run: `pytest conformance/checks --target=FILE`.
The engine is `conformance.plugin`; importing it here registers its hooks and fixtures."""

from conformance.plugin import *  # noqa: F403
