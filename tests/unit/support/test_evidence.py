"""validate_upload, its rules, display names and messages; property tests over names and bytes."""

from __future__ import annotations

import contextlib
import hashlib
import unicodedata
import zipfile
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.helpers.evidence_corpus import MIB, docx, jpeg, odt, pdf, png, rels, xlsx

from familyhubs_sdk.errors import ConfigurationError, EvidenceError
from familyhubs_sdk.rendering import Renderer
from familyhubs_sdk.support.evidence._rules import (
    MAX_DISPLAY_NAME,
    CheckedFile,
    EvidenceRules,
    UploadProblem,
    sanitise_display_name,
    validate_upload,
)
from familyhubs_sdk.support.evidence._types import (
    EVIDENCE_TYPES,
    describe,
    is_storage_name,
    type_for_extension,
)

RULES = EvidenceRules()
BIDI = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]}
EXTENSIONS = sorted({ext for t in EVIDENCE_TYPES.values() for ext in t.extensions})


def _reason(filename: str, data: bytes, rules: EvidenceRules = RULES, **kwargs: object) -> str:
    with pytest.raises(EvidenceError) as refused:
        validate_upload(filename, data, rules, **kwargs)  # type: ignore[arg-type]
    return refused.value.reason


# --- rules -------------------------------------------------------------------------------------


def test_default_rules() -> None:
    assert (RULES.max_file_bytes, RULES.max_files, RULES.max_total_bytes) == (
        10 * MIB,
        5,
        25 * MIB,
    )
    assert RULES.allowed_types == {"pdf", "docx", "odt", "jpeg", "png"}
    assert RULES.accept_attribute == ".pdf,.png,.jpg,.jpeg,.docx,.odt"


@pytest.mark.parametrize(("filename", "data"), [("a.xlsx", xlsx()), ("a.txt", b"plain notes")])
def test_spreadsheets_and_text_are_off_by_default(filename: str, data: bytes) -> None:
    assert _reason(filename, data) == "type_not_allowed"
    on = EvidenceRules(allowed_types=RULES.allowed_types | {"xlsx", "txt"})
    assert validate_upload(filename, data, on).size_bytes == len(data)


@pytest.mark.parametrize("types", [frozenset(), frozenset({"exe"}), frozenset({"pdf", "svg"})])
def test_rules_refuse_unknown_or_no_types(types: frozenset[str]) -> None:
    with pytest.raises(ValueError, match="allowed_types"):
        EvidenceRules(allowed_types=types)


def test_rules_are_frozen_and_strict() -> None:
    with pytest.raises(ValueError, match="extra"):
        EvidenceRules(max_filez=1)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="frozen"):
        RULES.max_files = 50  # type: ignore[misc]


# --- validate_upload ------------------------------------------------------------------------------


def test_a_checked_file_carries_what_the_store_needs() -> None:
    checked = validate_upload("Letter.pdf", pdf(), RULES, token_source=lambda: "ab" * 16)
    disarmed = checked.data  # the PDF as rebuilt: what is stored, sized and hashed
    assert disarmed.startswith(b"%PDF-")
    assert disarmed != pdf()
    assert checked == CheckedFile(
        data=disarmed,
        display_name="Letter.pdf",
        storage_name="ab" * 16 + ".pdf",
        content_type="application/pdf",
        size_bytes=len(disarmed),
        sha256=hashlib.sha256(disarmed).hexdigest(),
    )
    assert "data" not in checked.model_dump()  # a record is built from the rest


def test_storage_names_are_random_and_never_from_the_upload() -> None:
    names = {validate_upload("../../x.pdf", pdf(), RULES).storage_name for _ in range(20)}
    assert len(names) == 20
    assert all(is_storage_name(n) and ".." not in n for n in names)
    assert validate_upload("photo.JPEG", jpeg(), RULES).storage_name.endswith(".jpg")


def test_a_bad_token_source_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="token_source"):
        validate_upload("a.pdf", pdf(), RULES, token_source=lambda: "../../etc")


def test_the_client_content_type_plays_no_part() -> None:
    # There is no parameter for it: the type comes from the table.
    assert validate_upload("a.png", png(), RULES).content_type == "image/png"


def test_existing_files_count_as_records_or_sizes() -> None:
    earlier = validate_upload("a.pdf", pdf(), RULES)
    assert _reason("b.pdf", pdf(), RULES, existing=[earlier] * 5) == "too_many"
    assert _reason("b.pdf", pdf(), RULES, existing=[25 * MIB]) == "total_too_large"
    assert validate_upload("b.pdf", pdf(), RULES, existing=[earlier, 1000]).size_bytes > 0


def test_limits_are_inclusive() -> None:
    padding = MIB
    while len(exact := pdf(padding=padding)) != MIB:
        padding += MIB - len(exact)
    rules = EvidenceRules(max_file_bytes=MIB, max_total_bytes=2 * MIB)
    # Judged on the upload; the rebuild drops the padding, so what is kept is smaller.
    assert validate_upload("a.pdf", exact, rules, existing=[MIB]).size_bytes < MIB
    assert _reason("a.pdf", exact + b" ", rules) == "too_large"


@pytest.mark.parametrize(
    "filename", ["LETTER.PDF", "letter.Pdf", " letter.pdf ", "letter.pdf.", "letter.pdf\u202e"]
)
def test_extensions_ignore_case_and_decoration(filename: str) -> None:
    assert validate_upload(filename, pdf(), RULES).content_type == "application/pdf"


@pytest.mark.parametrize("filename", ["letter", ".pdf", "letter.", "letter.pdf.exe", "x.pdf\0.js"])
def test_names_without_an_allowed_last_extension_are_refused(filename: str) -> None:
    assert _reason(filename, pdf()) == "type_not_allowed"


def test_messages_never_repeat_the_file_name() -> None:
    name = "Jane Smith child protection.exe"
    with pytest.raises(EvidenceError) as refused:
        validate_upload(name, b"MZ", RULES)
    assert "Jane" not in str(refused.value)
    with pytest.raises(EvidenceError) as refused:
        validate_upload("Jane Smith.pdf", b"<html>", RULES)
    assert "Jane" not in str(refused.value)


def test_a_zip_archive_limit_comes_from_the_rules() -> None:
    many = docx(*((f"word/media/{i}.xml", b"<m/>") for i in range(20)))
    assert _reason("a.docx", many, EvidenceRules(max_archive_entries=10)) == "unsafe_content"
    assert validate_upload("a.docx", many, EvidenceRules(max_archive_entries=30)).size_bytes


def test_a_compressed_office_picture_is_not_a_nested_archive() -> None:
    import gzip

    emz = gzip.compress(b"\x01\x00\x00\x00" + b"\x00" * 200)
    assert validate_upload("a.docx", docx(("word/media/image1.emz", emz)), RULES)
    assert _reason("a.docx", docx(("word/media/image1.png", emz))) == "unsafe_content"


@pytest.mark.parametrize(
    "target",
    [
        "file:///C:/Users/jo/Templates/Letterhead.dotx",
        "C:\\Templates\\Letterhead.dotx",
        "https://evil.example/t.dotm",
        "file:///\\\\203.0.113.9\\share\\t.dotm",
        "\\\\fileserver\\templates\\t.dotx",
        "file://host/share/t.dotx",
    ],
)
def test_an_attached_template_is_refused_wherever_it_points(target: str) -> None:
    data = docx(("word/_rels/settings.xml.rels", rels(("attachedTemplate", target, "External"))))
    assert _reason("a.docx", data) == "unsafe_content"


@pytest.mark.parametrize("kind", ["image", "oleObject", "frame", "subDocument"])
def test_other_external_relationships_are_refused(kind: str) -> None:
    data = docx(document_rels=rels((kind, "file:///C:/x", "External")))
    assert _reason("a.docx", data) == "unsafe_content"


def test_a_dtd_is_refused_in_any_encoding() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x "x">]><r/>'
    data = docx(("word/_rels/styles.xml.rels", text.encode("utf-16")))
    assert _reason("a.docx", data) == "unsafe_content"
    broken = docx(("word/_rels/styles.xml.rels", b"<Relationships"))
    assert _reason("a.docx", broken) == "content_mismatch"


def test_odt_needs_its_exact_mimetype() -> None:
    assert validate_upload("a.odt", odt(), RULES)
    assert _reason("a.odt", odt(mimetype=b"application/vnd.oasis.opendocument.text ")) == (
        "content_mismatch"
    )


def test_describe_names_what_bytes_look_like() -> None:
    assert describe(b"MZ\x90\x00") == "a Windows executable"
    assert describe(b"\x7fELF") == "an ELF executable"
    assert describe(b"  <svg>") == "markup (HTML, SVG or XML)"
    assert describe(b"hello") == "unrecognised content"
    assert type_for_extension("exe") is None


# --- display names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "extension", "expected"),
    [
        ("../../etc/passwd.pdf", "pdf", "passwd.pdf"),
        ("C:\\evil\\x.pdf", "pdf", "x.pdf"),
        ("x.pdf\x00.exe", "exe", "x.pdf.exe"),
        ("invoice\u202efdp.pdf", "pdf", "invoicefdp.pdf"),
        ("Cafe\u0301 menu.pdf", "pdf", "Café menu.pdf"),
        ("a\r\nContent-Type: text.pdf", "pdf", "aContent-Type_ text.pdf"),
        ('"quoted" <name>.pdf', "pdf", "_quoted_ _name_.pdf"),
        ("...hidden.pdf", "pdf", "hidden.pdf"),
        ("/", "pdf", "evidence.pdf"),
        ("\u202e\u2066", "png", "evidence.png"),
        (".pdf", "pdf", "pdf.pdf"),
        ("no extension", "docx", "no extension.docx"),
        ("photo.JPEG", "jpeg", "photo.JPEG"),
        ("a" * 300 + ".docx", "docx", "a" * 95 + ".docx"),
        ("a" * 97 + " .pdf", "pdf", "a" * 96 + ".pdf"),
    ],
)
def test_sanitised_display_names(filename: str, extension: str, expected: str) -> None:
    assert sanitise_display_name(filename, extension) == expected


def test_sanitise_refuses_a_bad_extension() -> None:
    with pytest.raises(ValueError, match="extension"):
        sanitise_display_name("a.pdf", "../pdf")


_hostile_names = st.one_of(
    st.text(),
    st.text(alphabet="./\\ \x00\t\r\n\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069ab"),
    st.lists(st.sampled_from(["..", "/", "\\", ".pdf", "\u202e", "\x00", " ", "é", "e\u0301"])).map(
        "".join
    ),
    st.text(min_size=90, max_size=400),
)


@given(filename=_hostile_names, extension=st.sampled_from(EXTENSIONS))
def test_display_names_are_always_safe(filename: str, extension: str) -> None:
    name = sanitise_display_name(filename, extension)
    assert name
    assert len(name) <= MAX_DISPLAY_NAME
    assert "/" not in name
    assert "\\" not in name
    assert not any(unicodedata.category(ch) in {"Cc", "Cs", "Zl", "Zp"} for ch in name)
    assert not BIDI & set(name)
    assert name.lower().endswith("." + extension)
    assert name[: -len(extension) - 1].strip(" .")  # a real stem, not only dots or spaces
    assert unicodedata.is_normalized("NFC", name)


# --- robustness: anything refused is refused with an EvidenceError -----------------------------

_ALL = EvidenceRules(allowed_types=frozenset(EVIDENCE_TYPES))


def _mutate(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for position, value in edits:
        out[position % len(out)] = value
    return bytes(out)


@given(
    seed=st.sampled_from(["a.pdf", "a.png", "a.jpg", "a.docx", "a.odt"]),
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8),
    tail=st.binary(max_size=64),
)
def test_damaged_files_are_refused_only_with_evidence_errors(
    seed: str, edits: list[tuple[int, int]], tail: bytes
) -> None:
    makers: dict[str, Callable[[], bytes]] = {
        "a.pdf": pdf,
        "a.png": png,
        "a.jpg": jpeg,
        "a.docx": docx,
        "a.odt": odt,
    }
    data = _mutate(makers[seed](), edits) + tail
    reason = "accepted"
    try:
        validate_upload(seed, data, _ALL)
    except EvidenceError as exc:
        reason = exc.reason
    assert reason in {"accepted", "content_mismatch", "unsafe_content"}


@given(filename=st.text(max_size=30), data=st.binary(max_size=200))
def test_arbitrary_uploads_never_crash(filename: str, data: bytes) -> None:
    with contextlib.suppress(EvidenceError):
        validate_upload(filename, data, _ALL)


def test_zip_members_are_never_written_to_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("extracted to disk")

    monkeypatch.setattr(zipfile.ZipFile, "extract", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", refuse)
    monkeypatch.setattr("builtins.open", refuse)
    data = docx()
    validate_upload("a.docx", data, RULES)


# --- messages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("empty", "The selected file is empty"),
        ("too_large", "The selected file must be smaller than 10MB"),
        ("too_many", "You can only upload up to 5 files"),
        ("total_too_large", "The selected files must be smaller than 25MB in total"),
        ("type_not_allowed", "The selected file must be a PDF, PNG, JPG, DOCX or ODT"),
        ("content_mismatch", "The selected file must be a PDF, PNG, JPG, DOCX or ODT"),
        ("infected", "The selected file contains a virus"),
        (
            "unsafe_content",
            "The selected file contains macros, links or hidden content – save it as a PDF"
            " and try again",
        ),
        ("scan_failed", "The selected file could not be uploaded – try again"),
        ("no_file", "Select a file"),
    ],
)
def test_upload_error_messages_follow_gov_uk(reason: str, message: str) -> None:
    assert _message(UploadProblem.of(EvidenceError("x", reason=reason).reason, RULES)) == message


def test_upload_error_message_sizes_and_single_type() -> None:
    rules = EvidenceRules(max_file_bytes=500 * 1024, allowed_types=frozenset({"pdf"}))
    too_large = UploadProblem.of("too_large", rules)
    assert _message(too_large) == "The selected file must be smaller than 500KB"
    wrong = UploadProblem.of("type_not_allowed", rules)
    assert _message(wrong) == "The selected file must be a PDF"


def _message(problem: UploadProblem) -> str:
    """The words the evidence page shows for ``problem``: the messages template's."""
    template = Renderer().environment.from_string(
        '{% from "familyhubs/support/_evidence_messages.html" import upload_error_text %}'
        "{{ upload_error_text(problem) }}"
    )
    return template.render(problem=problem)
