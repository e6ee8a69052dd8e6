"""Content disarm: one regression test per finding of the outside probe, and the edges of each
disarm (Pillow for pictures, pikepdf for PDFs, streamed XML for Office and OpenDocument)."""

from __future__ import annotations

import importlib.util
import io

import pikepdf
import pytest
from PIL import Image
from tests.helpers.evidence_corpus import (
    HOSTILE,
    MIB,
    assert_disarmed,
    docx,
    jpeg,
    pdf,
    picture,
    png,
    rels,
    text_chunk,
    turned_jpeg,
)

from familyhubs_sdk.errors import ConfigurationError, EvidenceError
from familyhubs_sdk.support.evidence._rules import EvidenceRules, validate_upload
from familyhubs_sdk.support.evidence._types import EVIDENCE_TYPES

ALL_TYPES = EvidenceRules(allowed_types=frozenset(EVIDENCE_TYPES))
BY_LABEL = {upload.label: upload for upload in HOSTILE}


def _refused(label: str) -> str:
    upload = BY_LABEL[label]
    with pytest.raises(EvidenceError) as refused:
        validate_upload(upload.filename, upload.make(), ALL_TYPES, upload.existing)
    return refused.value.reason


def _disarmed(label: str) -> bytes:
    upload = BY_LABEL[label]
    data = upload.make()
    checked = validate_upload(upload.filename, data, ALL_TYPES, upload.existing)
    assert checked.data != data
    assert_disarmed(upload.filename, checked.data, upload.residue)
    return checked.data


# --- the probe's findings ----------------------------------------------------------------------


def test_pdf_opening_javascript_action_is_removed() -> None:
    with pikepdf.open(io.BytesIO(_disarmed("PDF opening JavaScript action"))) as document:
        assert "/OpenAction" not in document.Root
        assert len(document.pages) == 1


def test_pdf_launch_of_cmd_exe_is_removed() -> None:
    assert b"cmd.exe" not in _disarmed("PDF Launch of cmd.exe")


@pytest.mark.parametrize("label", ["PDF SubmitForm to a URL", "PDF SubmitForm to a UNC path"])
def test_pdf_submitform_to_a_uri_or_unc_path_is_removed(label: str) -> None:
    assert b"/SubmitForm" not in _disarmed(label)


def test_pdf_embedded_exe_is_removed() -> None:
    with pikepdf.open(io.BytesIO(_disarmed("PDF with an embedded EXE"))) as document:
        assert "/Names" not in document.Root or "/EmbeddedFiles" not in document.Root.Names
        assert document.attachments == {}


def test_docx_remote_attached_template_in_a_rels_part_padded_past_1_mib_is_refused() -> None:
    upload = BY_LABEL["remote template in a .rels padded past 1 MiB"]
    assert len(upload.make()) < MIB  # deflated: the padding is inside the package
    assert _refused(upload.label) == "unsafe_content"


def test_docx_remote_attached_template_in_a_part_named_upper_case_rels_is_refused() -> None:
    assert _refused("remote template in a part named .RELS") == "unsafe_content"


@pytest.mark.parametrize(
    "label",
    [
        "DDEAUTO field",
        "DDE field in lower case",
        "DDE in a simple field",
        "INCLUDEPICTURE from a UNC share",
        "INCLUDEPICTURE split across runs",
        "INCLUDETEXT from the web",
        "field type built by a nested QUOTE",
        "DDEAUTO in a header part",
    ],
)
def test_docx_ddeauto_and_includepicture_unc_fields_are_refused(label: str) -> None:
    assert _refused(label) == "unsafe_content"


@pytest.mark.parametrize(
    "label", ["ODT picture from a UNC share", "ODT dom:load script", "ODT office:script"]
)
def test_odt_unc_image_and_dom_load_script_are_refused(label: str) -> None:
    assert _refused(label) == "unsafe_content"


@pytest.mark.parametrize(
    "label",
    [
        "PNG + ZIP claiming 0 entries",
        "JPEG + ZIP claiming 0 entries",
        "PDF + ZIP claiming 0 entries",
    ],
)
def test_appended_zip_whose_end_record_claims_0_entries_is_refused(label: str) -> None:
    assert _refused(label) == "unsafe_content"


@pytest.mark.parametrize(
    "label",
    [
        "PNG text chunk with img onerror",
        "PNG compressed text with javascript:",
        "PNG international text with img onerror",
        "JPEG comment with img onerror",
        "JPEG comment with javascript:",
        "JPEG EXIF with img onerror",
    ],
)
def test_png_and_jpeg_text_chunks_and_comments_with_script_are_removed(label: str) -> None:
    stored = _disarmed(label)
    for marker in (b"onerror", b"javascript:"):
        assert marker not in stored


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ("Report\u200b.pdf", "Report.pdf"),
        ("Re\u200dport\ufeff\u2060.pdf", "Report.pdf"),
        ("\u3164Report.pdf", "Report.pdf"),
        ("CON.pdf", "CON_.pdf"),
        ("nul.pdf", "nul_.pdf"),
        ("Com1.tar.pdf", "Com1_.tar.pdf"),
        ("lpt9 .pdf", "lpt9_.pdf"),
        ("AUX.tar.pdf", "AUX_.tar.pdf"),
        ("lpt\u00b9.pdf", "lpt1_.pdf"),  # NFKC turns the superscript into a digit first
        ("\uff52\uff45\uff50\uff4f\uff52\uff54\uff0e\uff50\uff44\uff46", "report.pdf"),
        ("a\uff0f..\uff0fCON.pdf", "CON_.pdf"),
        ("CONSOLE.pdf", "CONSOLE.pdf"),
    ],
)
def test_display_names_drop_zero_width_characters_and_rename_windows_device_names(
    filename: str, expected: str
) -> None:
    assert validate_upload(filename, pdf(), ALL_TYPES).display_name == expected


# --- the edges of each disarm ------------------------------------------------------------------


def test_without_the_evidence_extra_uploads_cannot_be_turned_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name in ("PIL", "pikepdf") else real(name, *args),
    )
    with pytest.raises(ConfigurationError, match=r'pip install "familyhubs-sdk\[evidence\]"'):
        EvidenceRules()
    with pytest.raises(ConfigurationError, match="Pillow"):
        EvidenceRules(allowed_types=frozenset({"png"}))
    # Types checked by the standard library alone need no extra.
    assert EvidenceRules(allowed_types=frozenset({"docx", "odt", "txt"}))
    with pytest.raises(ConfigurationError, match="pikepdf"):
        validate_upload("a.pdf", pdf(), ALL_TYPES)  # rules made before the library went


def test_a_phone_photo_is_turned_upright_and_loses_its_exif() -> None:
    stored = validate_upload("photo.jpg", turned_jpeg(), ALL_TYPES).data
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (20, 40)
        assert not image.getexif()


def test_a_jpeg_keeps_its_own_quality() -> None:
    data = picture("RGB", (64, 64), "JPEG", quality=30)
    stored = validate_upload("photo.jpg", data, ALL_TYPES).data
    with Image.open(io.BytesIO(data)) as before, Image.open(io.BytesIO(stored)) as after:
        assert after.quantization == before.quantization  # type: ignore[attr-defined]


def test_pictures_over_the_pixel_limit_are_refused_before_decoding() -> None:
    rules = EvidenceRules(allowed_types=frozenset({"png"}), max_image_pixels=100)
    with pytest.raises(EvidenceError) as refused:
        validate_upload("a.png", picture("L", (11, 10)), rules)
    assert refused.value.reason == "unsafe_content"
    assert validate_upload("a.png", picture("L", (10, 10)), rules)


def test_a_png_text_chunk_without_markup_is_dropped_too() -> None:
    stored = validate_upload("a.png", png(text_chunk(b"Author", b"Jo Bloggs")), ALL_TYPES).data
    assert b"Jo Bloggs" not in stored


def test_a_jpeg_comment_without_markup_is_dropped_too() -> None:
    stored = validate_upload("a.jpg", jpeg(comment=b"Jo Bloggs"), ALL_TYPES).data
    assert b"Jo Bloggs" not in stored


def test_a_rebuilt_pdf_carries_nothing_after_its_end() -> None:
    stored = validate_upload("a.pdf", pdf() + b"%trailing words\n", ALL_TYPES).data
    assert b"trailing words" not in stored
    assert stored.rstrip().endswith(b"%%EOF")


@pytest.mark.parametrize(
    "target", ["https://www.gov.uk/", "mailto:team@example.gov.uk", "http://example.org/"]
)
def test_hyperlinks_to_the_web_and_email_stay_allowed(target: str) -> None:
    data = docx(document_rels=rels(("hyperlink", target, "External")))
    assert validate_upload("a.docx", data, ALL_TYPES).data == data


def test_a_word_field_that_only_shows_the_page_number_is_allowed() -> None:
    body = (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        "<w:r><w:instrText> PAGE </w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
    )
    data = docx(body=body)
    assert validate_upload("a.docx", data, ALL_TYPES).data == data
