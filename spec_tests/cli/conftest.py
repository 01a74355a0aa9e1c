"""The command line's fixtures, for every test module here."""

from spec_tests.cli.test_cli import workdir  # noqa: F401 - the shared fixture
