"""Estimating the entropy of tokens from a handful of samples (RFC 6749 §10.10:
"The probability of an attacker guessing generated tokens ... MUST be less than
or equal to 2^(-128) and SHOULD be less than or equal to 2^(-160).").

Black-box, the only evidence is the strings. The estimate is an upper bound
on what they could carry, made conservative where structure shows:
- the alphabet is the smallest common one holding every character seen
  (hex, base64url, alphanumeric, ...);
- positions where every sample has the same character (prefixes such as
  `at_`, version digits, separators) carry nothing;
- every other position carries log2(alphabet) bits.
A counter or a timestamp changes few positions, so it shows up as low
entropy; a UUIDv4 shows its 122 bits as about 124. Samples that repeat are
reported separately: they are a failure whatever the estimate.
"""

import math
import string

ALPHABETS = (
    ("decimal", string.digits),
    ("hex", string.digits + "abcdef"),
    ("HEX", string.digits + "ABCDEF"),
    ("lowercase alphanumeric", string.digits + string.ascii_lowercase),
    ("uppercase alphanumeric", string.digits + string.ascii_uppercase),
    ("alphanumeric", string.digits + string.ascii_letters),
    ("base64url", string.digits + string.ascii_letters + "-_"),
    ("base64", string.digits + string.ascii_letters + "+/="),
    ("unreserved", string.digits + string.ascii_letters + "-._~"),
    ("printable", string.printable.strip()),
)


def alphabet_of(samples: list[str]) -> tuple[str, int]:
    seen = set("".join(samples))
    for name, characters in ALPHABETS:
        if seen <= set(characters):
            return name, len(characters)
    return "bytes", max(len(seen), 2)


def _varying(samples: list[str]) -> list[int]:
    shortest = min(len(s) for s in samples)
    return [i for i in range(shortest) if len({s[i] for s in samples}) > 1]


def estimate_bits(samples: list[str]) -> float:
    """Bits an attacker must guess for one sample, at most (see the module docstring)."""
    if not samples:
        return 0.0
    if len(samples) < 2:
        return len(samples[0]) * math.log2(alphabet_of(samples)[1])
    varying = _varying(samples)
    if not varying:
        return 0.0
    # The alphabet is judged from the varying positions only: separators and prefixes do not widen it.
    _, size = alphabet_of(["".join(s[i] for i in varying) for s in samples])
    return len(varying) * math.log2(size)


def describe(samples: list[str]) -> str:
    name, size = alphabet_of(samples)
    return (
        f"{len(samples)} samples of {min(map(len, samples))}-{max(map(len, samples))} {name} characters "
        f"(alphabet {size}): about {estimate_bits(samples):.0f} bits"
    )
