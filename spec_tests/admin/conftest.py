"""The admin pages' fixtures, for every test module here."""

from spec_tests.admin.test_admin_pages import admin, signed_in_admin  # noqa: F401 - shared fixtures
