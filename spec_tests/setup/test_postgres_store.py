"""A PostgreSQL store met by `reference-as` at start (issue 20): `migrate` brings a
new database to the latest schema, and `serve` refuses, with one line, a database
it cannot reach or one at a schema newer than it knows."""

import psycopg

from reference_as.store import schema

from ..postgres_cluster import free_port
from .conftest import refused, run, serve


def test_migrate_brings_a_new_database_to_the_latest_schema(folder, postgres_cluster):
    url = postgres_cluster.create_database()
    done = run(folder, "migrate", "--json", env={"REFERENCE_AS_STORE": url})
    assert done.returncode == 0, done.stderr
    with psycopg.connect(url) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_version ORDER BY version")]
    assert versions == [version for version, _ in schema.migrations()]
    assert f'"schema_version": {versions[-1]}' in done.stdout


def test_serve_refuses_a_schema_newer_than_it_knows(folder, postgres_cluster):
    url = postgres_cluster.create_database()
    assert run(folder, "migrate", env={"REFERENCE_AS_STORE": url}).returncode == 0
    with psycopg.connect(url) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (999)")
    refused(serve(folder, env={"REFERENCE_AS_STORE": url}), "schema 999")


def test_serve_refuses_a_database_it_cannot_reach(folder):
    url = f"postgresql://nobody:a-password@127.0.0.1:{free_port()}/none"
    done = serve(folder, env={"REFERENCE_AS_STORE": url})
    refused(done, "cannot be reached")
    assert "a-password" not in done.stderr
