"""`outbound.Fetcher` against real servers on loopback: what a document at a URL
someone else chose may and may not do (the Client ID Metadata Document draft's
§ Client Information Discovery, Metadata Caching, SSRF Attacks and Maximum
Response Size)."""

import json
import threading

import pytest

from reference_as.clock import ManualClock
from reference_as.outbound import Fetcher, FetchFailed, Limits, max_age, special_use
from spec_tests.document_server import DocumentServer, Reply

DOCUMENT = {"client_id": "x"}
WAIT = 30  # seconds: the bound of a test waiting for a fetch that should have given up long before


@pytest.fixture(scope="module")
def http():
    server = DocumentServer()
    yield server
    server.stop()


def limits(ca, **overrides) -> Limits:
    values = dict(
        allow_loopback_http=False,
        allow_private_addresses=False,
        serving_on_loopback=True,
        timeout=2,
        max_bytes=5 * 1024,
        cache_seconds=3600,
        cache_entries=10,
        ca_file=str(ca.ca_file),
    )
    return Limits(**{**values, **overrides})


def fetch(fetcher: Fetcher, url: str):
    return fetcher.get(url, lambda document: document)


def json_reply(document=DOCUMENT, **headers) -> Reply:
    return Reply(json.dumps(document).encode(), headers={"Content-Type": "application/json", **headers})


def test_a_json_document_over_https_is_fetched(documents, test_ca):
    url = documents.serve("/ok.json", json_reply())
    assert fetch(Fetcher(limits(test_ca), ManualClock(0)), url) == DOCUMENT


@pytest.mark.parametrize(
    "path, reply",
    [
        ("/redirect", Reply(b"", 302, {"Location": "/ok.json"})),
        ("/missing", Reply(b"{}", 404)),
        ("/html", Reply(b"<html></html>", headers={"Content-Type": "text/html"})),
        ("/not-json", Reply(b"{not json", headers={"Content-Type": "application/json"})),
        ("/array", Reply(b"[1, 2]", headers={"Content-Type": "application/json"})),
        ("/huge", Reply(b'{"a": "' + b"x" * 10_000 + b'"}')),
        ("/huge-unannounced", Reply(b'{"a": "' + b"x" * 10_000 + b'"}', send_length=False)),
        ("/nested", Reply(b"[" * 4000 + b"]" * 4000)),
    ],
)
def test_what_is_not_a_small_json_object_answered_200_is_refused(documents, test_ca, path, reply):
    url = documents.serve(path, reply)
    with pytest.raises(FetchFailed):
        fetch(Fetcher(limits(test_ca), ManualClock(0)), url)


def test_a_redirect_is_not_followed(documents, test_ca):
    documents.serve("/target.json", json_reply())
    url = documents.serve("/moved", Reply(b"", 301, {"Location": documents.origin + "/target.json"}))
    hits = documents.hits["/target.json"]
    with pytest.raises(FetchFailed, match="redirect"):
        fetch(Fetcher(limits(test_ca), ManualClock(0)), url)
    assert documents.hits["/target.json"] == hits


def test_a_server_that_answers_too_slowly_is_given_up_on(documents, test_ca):
    url = documents.serve("/slow", Reply(json.dumps(DOCUMENT).encode(), drip_seconds=0.2))
    with pytest.raises(FetchFailed, match="within"):
        fetch(Fetcher(limits(test_ca, timeout=1), ManualClock(0)), url)


def test_a_server_that_never_finishes_its_headers_is_given_up_on(documents, test_ca):
    # Each byte comes well within the timeout of one read, and the headers never end: only
    # a deadline for the whole fetch ends it. (WAIT bounds the test, not the fetcher.)
    url = documents.serve("/slow-head", Reply(drip_seconds=0.05, drip_head=True))
    outcome = []

    def run():
        try:
            fetch(Fetcher(limits(test_ca, timeout=1), ManualClock(0)), url)
        except FetchFailed as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(WAIT)
    assert not thread.is_alive() and outcome and "within" in str(outcome[0])


def test_http_is_refused_unless_allowed_for_loopback(http, test_ca):
    url = http.serve("/plain.json", json_reply())
    with pytest.raises(FetchFailed, match="https"):
        fetch(Fetcher(limits(test_ca), ManualClock(0)), url)
    assert fetch(Fetcher(limits(test_ca, allow_loopback_http=True), ManualClock(0)), url) == DOCUMENT


def test_a_certificate_of_an_unknown_ca_is_refused(documents, test_ca):
    url = documents.serve("/ok.json", json_reply())
    with pytest.raises(FetchFailed, match="TLS"):
        fetch(Fetcher(limits(test_ca, ca_file=""), ManualClock(0)), url)


def test_special_use_addresses_are_refused_unless_allowed(documents, test_ca):
    url = documents.serve("/ok.json", json_reply())
    # A server not itself on loopback may not reach loopback (or any special-use address)...
    with pytest.raises(FetchFailed, match="special-use"):
        fetch(Fetcher(limits(test_ca, serving_on_loopback=False), ManualClock(0)), url)
    # ...unless told so.
    allowed = limits(test_ca, serving_on_loopback=False, allow_private_addresses=True)
    assert fetch(Fetcher(allowed, ManualClock(0)), url) == DOCUMENT


@pytest.mark.parametrize(
    "address, special",
    [
        ("10.1.2.3", True),
        ("192.168.0.1", True),
        ("169.254.169.254", True),  # the cloud metadata service
        ("100.64.0.1", True),  # shared address space
        ("::1", True),
        ("fe80::1", True),
        ("::ffff:127.0.0.1", True),
        ("224.0.0.1", True),
        ("93.184.216.34", False),
        ("2606:4700::1111", False),
    ],
)
def test_special_use_addresses_are_those_of_rfc6890(address, special):
    assert special_use(address) is special


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/x", "https://user:pass@127.0.0.1/x", "https:///x", "not a url", "https://[::1/x"]
)
def test_urls_that_are_not_plain_https_are_refused(test_ca, url):
    with pytest.raises(FetchFailed):
        fetch(Fetcher(limits(test_ca), ManualClock(0)), url)


def test_a_document_is_reused_while_its_max_age_lasts_within_the_bound(documents, test_ca):
    url = documents.serve("/cached.json", json_reply(**{"Cache-Control": "max-age=600"}))
    clock = ManualClock(1000)
    fetcher = Fetcher(limits(test_ca, cache_seconds=300), clock)
    fetch(fetcher, url)
    fetch(fetcher, url)
    assert documents.hits["/cached.json"] == 1
    clock.advance(301)  # past the server's own bound, though within max-age
    fetch(fetcher, url)
    assert documents.hits["/cached.json"] == 2


@pytest.mark.parametrize("cache_control", ["no-store", "no-cache", "max-age=0"])
def test_a_document_that_may_not_be_cached_is_fetched_each_time(documents, test_ca, cache_control):
    path = f"/uncached-{cache_control}.json"
    url = documents.serve(path, json_reply(**{"Cache-Control": cache_control}))
    fetcher = Fetcher(limits(test_ca), ManualClock(0))
    fetch(fetcher, url)
    fetch(fetcher, url)
    assert documents.hits[path] == 2


def test_a_document_the_caller_refused_is_not_cached(documents, test_ca):
    url = documents.serve("/refused.json", json_reply())
    fetcher = Fetcher(limits(test_ca), ManualClock(0))

    def refuse(document):
        raise ValueError("not a client")

    for _ in range(2):
        with pytest.raises(ValueError):
            fetcher.get(url, refuse)
    assert documents.hits["/refused.json"] == 2


def test_the_cache_keeps_at_most_its_number_of_entries(documents, test_ca):
    fetcher = Fetcher(limits(test_ca, cache_entries=2), ManualClock(0))
    urls = [documents.serve(f"/lru-{n}.json", json_reply()) for n in range(3)]
    for url in urls:
        fetch(fetcher, url)
    fetch(fetcher, urls[0])  # evicted by the third: fetched again
    assert documents.hits["/lru-0.json"] == 2


@pytest.mark.parametrize(
    "header, seconds",
    [(None, 60), ("max-age=10", 10), ("public, max-age=1000", 60), ("no-store", 0), ("max-age=x", 0)],
)
def test_max_age_reads_cache_control_within_the_ceiling(header, seconds):
    assert max_age(header, 60) == seconds
