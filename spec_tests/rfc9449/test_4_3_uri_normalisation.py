"""RFC 9449 §4.3: `htu` is compared with the request URI after RFC 3986 §6.2.2-6.2.3
normalisation, without query and fragment; different URIs never normalise alike."""

import pytest

from reference_as.policy.rfc9449_dpop import normalized_uri


@pytest.mark.requirement("RFC9449-4.3")
@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("HTTPS://Example.COM/a", "https://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80", "http://example.com/"),
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/%7Euser/%2f", "https://example.com/~user/%2F"),
        ("https://example.com/a?x=1#f", "https://example.com/a"),
        ("http://[::1]:8000/t", "http://[::1]:8000/t?q"),
    ],
)
def test_equivalent_uris_normalise_alike(one, other):
    assert normalized_uri(one) == normalized_uri(other)


@pytest.mark.requirement("RFC9449-4.3")
@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("http://[::1:8000]/t", "http://[::1]:8000/t"),
        ("https://example.com/a", "http://example.com/a"),
        ("https://example.com:8443/a", "https://example.com/a"),
        ("https://example.com/A", "https://example.com/a"),
        ("https://example.com/a%2Fb", "https://example.com/a/b"),
        ("https://user@example.com/a", "https://example.com/a"),
    ],
)
def test_different_uris_stay_different(one, other):
    assert normalized_uri(one) != normalized_uri(other)
