"""RFC 8628 §6.1 and §5.1: what a user code looks like and how much it is worth guessing."""

import math
import re

import pytest

from reference_as.policy import rfc8628_device


@pytest.mark.requirement("RFC8628-6.1")
def test_user_codes_are_8_consonants_shown_in_two_groups_of_four(device):
    assert re.fullmatch(r"[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}", device["user_code"])


@pytest.mark.requirement("RFC8628-6.1")
def test_the_alphabet_has_no_vowels_and_no_look_alike_digits():
    alphabet = rfc8628_device.USER_CODE_ALPHABET
    assert len(alphabet) == len(set(alphabet)) == 20
    assert not set(alphabet) & set("AEIOUY0123456789")


@pytest.mark.requirement("RFC8628-5.1")
def test_a_user_code_carries_34_bits_and_is_drawn_uniformly():
    assert rfc8628_device.USER_CODE_BITS == pytest.approx(8 * math.log2(20))
    assert rfc8628_device.USER_CODE_BITS > 34
    drawn = "".join(rfc8628_device.new_user_code() for _ in range(2000))
    counts = {letter: drawn.count(letter) for letter in rfc8628_device.USER_CODE_ALPHABET}
    # 16,000 letters, 800 expected each: a letter far off means the draw is biased.
    assert all(600 < count < 1000 for count in counts.values()), counts


@pytest.mark.requirement("RFC8628-6.1")
@pytest.mark.parametrize(
    ("typed", "read"),
    [("BDFG-HJKL", "BDFGHJKL"), ("bdfghjkl", "BDFGHJKL"), (" bdfg hjkl ", "BDFGHJKL"), ("B-D-F-G-H-J-K-L", "BDFGHJKL"),
     ("BDFG-HJK", None), ("BDFG-HJKLM", None), ("ADFG-HJKL", None), ("BDFG-HJK1", None), ("", None)],
)  # fmt: skip
def test_what_a_person_types_is_read_case_and_dash_insensitively(typed, read):
    assert rfc8628_device.normalised(typed) == read


def test_the_shown_form_reads_back_as_the_same_code():
    code = rfc8628_device.new_user_code()
    assert rfc8628_device.normalised(rfc8628_device.shown(code)) == code
