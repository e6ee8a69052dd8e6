"""A small timeline display model for the fragment tests, with every field set."""

from __future__ import annotations

from datetime import date, datetime

from familyhubs_sdk.timeline._display import (
    ContactCard,
    ContactPoint,
    FamilyMember,
    PersonHeader,
    SourceNotice,
    SourceState,
    TimelineEntry,
    TimelineFilters,
    TimelinePage,
)


def sample_page(text: str = "Sample") -> TimelinePage:
    """A page where every free-standing string is ``text`` (so tests can make it hostile)."""
    return TimelinePage(
        person=PersonHeader(
            subject_id="p1",
            name=text,
            birth_date=date(2019, 3, 4),
            age_text=text,
            identifiers=((text, text),),
        ),
        entries=[
            TimelineEntry(
                id="e1",
                kind="health.ae_attendance",
                kind_label=text,
                start=datetime(2026, 3, 4, 2, 0),
                label=text,
                service=text,
                status=text,
                professional_id="pr1",
                professional_name=text,
                significant=True,
                sensitivity="standard",
                source_name=text,
            ),
            TimelineEntry(
                id="e2",
                kind="police.notification",
                kind_label=text,
                start=date(2026, 1, 10),
                end=date(2026, 1, 12),
                label=text,
                sensitivity="sensitive",
                source_name=text,
            ),
        ],
        contacts=[
            ContactCard(
                id="pr1",
                name=text,
                role=text,
                team=text,
                organisation=text,
                current=True,
                last_involved=date(2026, 3, 4),
                contact_points=(
                    ContactPoint(system="phone", value=text, label=text),
                    ContactPoint(system="phone", value=text, use="mobile", label=text),
                    ContactPoint(system="secure_email", value=text, label=text),
                ),
            )
        ],
        family=[FamilyMember(subject_id="p2", name=text, relationship=text)],
        sources=[
            SourceNotice(source_name=text, state=SourceState.UNAVAILABLE),
            SourceNotice(source_name=text, state=SourceState.NOT_CONNECTED),
            SourceNotice(
                source_name=text,
                state=SourceState.OK,
                coverage_from=date(2019, 1, 1),
                record_count=2,
            ),
            SourceNotice(source_name=text, state=SourceState.OK, record_count=0),
        ],
        filters=TimelineFilters(
            kinds=frozenset({"health.ae_attendance"}),
            period="custom",
            date_from=date(2025, 1, 1),
            date_to=date(2026, 6, 1),
        ),
        kind_counts=[("health.ae_attendance", text, 1), ("police.notification", text, 1)],
    )
