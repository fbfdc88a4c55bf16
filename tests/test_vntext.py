"""chibo.orgs.vntext: folding, name splitting and the Vietnamese name sort key."""

import random
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chibo.orgs.vntext import ALPHABET, SORT_KEY_MAX_LENGTH, fold, sort_key, sort_key_parts, split_name


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def assert_sorted_exactly(expected: list[str]) -> None:
    """Every shuffle of `expected` sorts back to `expected`, and keys are strictly increasing."""
    keys = [sort_key(n) for n in expected]
    for a, b, ka, kb in zip(expected, expected[1:], keys, keys[1:], strict=False):
        assert ka < kb, f"{a!r} should sort before {b!r}: {ka!r} vs {kb!r}"
    rng = random.Random(1)
    for _ in range(20):
        shuffled = expected[:]
        rng.shuffle(shuffled)
        assert sorted(shuffled, key=sort_key) == expected


# ---------------------------------------------------------------- fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("Nguyễn", "nguyen"),
        ("đ", "d"),
        ("Đ", "d"),
        ("Đỗ Đức Đạt", "do duc dat"),
        ("NGUYỄN THỊ ÁNH", "nguyen thi anh"),
        ("  Trần \t Thị\n  Ư  ", "tran thi u"),
        ("Phạm Ngọc Thạch", "pham ngoc thach"),
        ("Hoàng Ưng Ơn Ấn Ẵn Ệ Ự", "hoang ung on an an e u"),
        ("DV-001 ab_9", "dv-001 ab_9"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_nfd_equals_nfc():
    for text in ["Nguyễn Văn Ân", "Đặng Thị Huyền Trang", "VŨ HỒNG ỨNG", "Lê Thị Ngọc Diễm"]:
        decomposed = nfd(text)
        assert decomposed != text  # really combining characters
        assert fold(decomposed) == fold(text)


def test_fold_d_matches_d():
    assert fold("Đạt") == fold("Dat") == fold("dạt") == "dat"


# ---------------------------------------------------------------- split_name


@pytest.mark.parametrize(
    ("full", "parts"),
    [
        ("Nguyễn Văn An", ("Nguyễn", "Văn", "An")),
        ("Nguyễn  Thị Minh   Khai", ("Nguyễn", "Thị Minh", "Khai")),
        ("Lê Lợi", ("Lê", "", "Lợi")),
        ("An", ("", "", "An")),
        ("  ", ("", "", "")),
        ("", ("", "", "")),
    ],
)
def test_split_name(full, parts):
    assert split_name(full) == parts


# ---------------------------------------------------------------- sort_key


def test_given_names_across_the_alphabet():
    assert_sorted_exactly([
        "Nguyễn Văn An",
        "Trần Thị Ánh",
        "Lê Văn Ân",
        "Phạm Văn Bình",
        "Đỗ Văn Dũng",
        "Hoàng Đức Đạt",
        "Ngô Văn Em",
        "Vũ Thị Ê",
        "Bùi Thị Giang",
        "Lý Văn Hải",
        "Trịnh Thị Ơn",
        "Đinh Văn Ưng",
        "Mai Thị Yến",
    ])


def test_letter_order_is_the_vietnamese_alphabet():
    assert_sorted_exactly(list(ALPHABET))
    assert ALPHABET == tuple("a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z".split())


def test_a_breve_circumflex():
    assert_sorted_exactly(["An", "Ăn", "Ân", "Bân"])
    assert_sorted_exactly(["Ẳn", "Ân"])  # ă < â is primary: beats any tone


def test_tones_order_none_huyen_hoi_nga_sac_nang():
    assert_sorted_exactly(["a", "à", "ả", "ã", "á", "ạ", "ă", "ằ", "ẳ", "ẵ", "ắ", "ặ", "â", "b"])


def test_tone_is_secondary_to_all_base_letters():
    # every tone of "ma" before the untoned longer "mac"
    assert_sorted_exactly(["ma", "mà", "mả", "mã", "má", "mạ", "mac", "mác", "mạc", "mach"])
    assert_sorted_exactly(["Anh", "Ảnh", "Ánh", "Anhs"])
    assert_sorted_exactly(["Hoa", "Hòa", "Hỏa", "Hóa", "Hoai", "Hoài", "Hoan", "Hoàn"])


def test_tones_compared_within_the_word():
    # same base given name: the given name's tone wins over the family name
    assert_sorted_exactly(["Trần Văn Anh", "Nguyễn Văn Ánh"])
    # but an equal given name falls through to middle and family names
    assert_sorted_exactly(["Nguyễn Văn Ánh", "Trần Văn Ánh"])


def test_d_stroke_after_d():
    assert_sorted_exactly(["Dung", "Dũng", "Duy", "Dương", "Đào", "Đạt", "Em"])
    assert_sorted_exactly(["Lê Văn Dư", "Nguyễn Văn Đa"])


def test_vowels_o_u():
    assert_sorted_exactly(["Bo", "Bó", "Bô", "Bố", "Bơ", "Bờ", "Bu", "Bú", "Bư", "Bừ", "Bưa", "Bưu"])


def test_same_given_name_by_middle_then_family():
    assert_sorted_exactly([
        "Trần An",
        "Lê Thị An",
        "Nguyễn Thị An",
        "Nguyễn Thị Minh An",
        "Phạm Văn An",
        "Bùi Thị Ánh",
    ])
    assert_sorted_exactly(["An", "Lê An", "Ân"])


def test_foreign_letters_placed_at_latin_positions():
    assert_sorted_exactly(["Ê", "Fê", "Gia", "Iên", "Jen", "Ken", "Vy", "Wang", "Xuân", "Yến", "Zô"])


def test_case_insensitive():
    assert sort_key("NGUYỄN VĂN ÁNH") == sort_key("nguyễn văn ánh") == sort_key("Nguyễn Văn Ánh")
    assert sort_key("ĐẠT") == sort_key("đạt")


def test_nfd_input_gives_the_same_key():
    for name in ["Nguyễn Văn Ân", "Đặng Thị Huyền Trang", "Vũ Hồng Ứng", "Lê Thị Ngọc Diễm", "Phạm Ẵn"]:
        assert sort_key(nfd(name)) == sort_key(name)
        assert sort_key_parts(nfd(name)) == sort_key_parts(name)


def test_whitespace_and_stray_punctuation_ignored():
    assert sort_key("  Nguyễn   Văn\tAn ") == sort_key("Nguyễn Văn An")
    assert sort_key("Nguyễn Văn An -") == sort_key("Nguyễn Văn An")


def test_tone_placement_variants_are_equal():
    assert sort_key("Hoà") == sort_key("Hòa")
    assert sort_key("Thuỷ") == sort_key("Thủy")


def test_exact_encoding():
    # given "an": a=2 n=j, no tones; no middle; family "nguyễn": n g u y ê n, tone ngã=3
    assert sort_key_parts("Nguyễn An") == ("2j00", "0", "jcsxaj030")
    assert sort_key("Nguyễn An") == "2j000jcsxaj030"
    assert sort_key("Ánh") == "2jd040" + "0"
    assert sort_key("") == ""
    assert sort_key("Nguyễn 2") == "1200" + "0" + "jcsxaj030"  # digits escaped with 1


def test_parts_join_to_key_and_order_alike():
    names = ["Trần An", "Lê Thị An", "Nguyễn Thị Minh An", "Phạm Văn An", "An", "Vũ Thị Ê"]
    for name in names:
        assert "".join(sort_key_parts(name)) == sort_key(name)
    assert sorted(names, key=sort_key) == sorted(names, key=sort_key_parts)


# ---------------------------------------------------------------- properties

_MARKS = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_SPELL = {"ă": "a\u0306", "â": "a\u0302", "ê": "e\u0302", "ô": "o\u0302", "ơ": "o\u031b", "ư": "u\u031b"}

word_st = st.lists(
    st.tuples(st.sampled_from(ALPHABET), st.sampled_from(sorted(_MARKS))), min_size=1, max_size=5
)
name_st = st.lists(word_st, min_size=1, max_size=5)


def spell(name_words, upper_mask=0) -> str:
    """NFD spelling of generated words (tone mark applied to every chosen letter)."""
    out = []
    for i, word in enumerate(name_words):
        text = "".join(_SPELL.get(letter, letter) + mark for letter, mark in word)
        out.append(text.upper() if upper_mask >> i & 1 else text)
    return " ".join(out)


def reference_key(name_words):
    """Independent order: (given, middles, family) of (letter indexes, tone values)."""

    def word(w):
        return (tuple(ALPHABET.index(letter) for letter, _ in w), tuple(_MARKS[m] for _, m in w if m))

    words = [word(w) for w in name_words]
    family = (words[0],) if len(words) > 1 else ()
    return (words[-1], tuple(words[1:-1]), family)


def sign(x) -> int:
    return (x > 0) - (x < 0)


@st.composite
def name_pairs(draw):
    """Two names, the second usually one small edit of the first (so near-ties occur often)."""
    a = draw(name_st)
    kind = draw(st.sampled_from(["other", "tone", "letter", "shorter", "no_family", "add_middle", "same"]))
    if kind == "other":
        return a, draw(name_st)
    b = [list(w) for w in a]
    i = draw(st.integers(0, len(b) - 1))
    j = draw(st.integers(0, len(b[i]) - 1))
    letter, mark = b[i][j]
    if kind == "tone":
        b[i][j] = (letter, draw(st.sampled_from(sorted(_MARKS))))
    elif kind == "letter":
        b[i][j] = (draw(st.sampled_from(ALPHABET)), mark)
    elif kind == "shorter" and len(b[i]) > 1:
        del b[i][j]
    elif kind == "no_family" and len(b) > 1:
        del b[0]
    elif kind == "add_middle":
        b.insert(min(1, len(b) - 1) if len(b) > 1 else 0, draw(word_st))
    return a, b


@settings(max_examples=500, deadline=None)
@given(name_pairs(), st.integers(0, 31))
def test_order_matches_reference(pair, upper_mask):
    a, b = pair
    text_a, text_b = spell(a, upper_mask), spell(b)
    ka, kb = sort_key(text_a), sort_key(unicodedata.normalize("NFC", text_b))
    ra, rb = reference_key(a), reference_key(b)
    assert sign((ka > kb) - (ka < kb)) == sign((ra > rb) - (ra < rb))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120))
def test_key_alphabet_and_length(text):
    key = sort_key(text)
    assert re.fullmatch(r"[0-9a-z]*", key)
    assert len(key) <= SORT_KEY_MAX_LENGTH
    assert sort_key(unicodedata.normalize("NFD", text)) == sort_key(unicodedata.normalize("NFC", text))
    assert len(fold(text)) <= len(text) * 2


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ ",
               max_size=60))
def test_fold_vietnamese_is_ascii_and_case_insensitive(text):
    folded = fold(text)
    assert re.fullmatch(r"[a-z ]*", folded)
    assert fold(text.upper()) == folded
    assert fold(nfd(text)) == folded
