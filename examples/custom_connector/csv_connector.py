"""``CSVConnector``: a connector over the CSV files an imagined case system exports each night.

The export folder holds (header row first, UTF-8, dates as ``DD/MM/YYYY`` and times as
``DD/MM/YYYY HH:MM:SS``, naive local time as the case system records them):

* ``events.csv`` — one row per interaction with a service::

    record_id,child_id,event_code,started_at,ended_at,status,team,worker_id,event_desc,sensitivity
    R1001,C1,CSC_CON,06/01/2020 09:15:00,,CLOSED,Duty team,W7,,N

* ``people.csv`` — one row per child::

    child_id,forename,surname,dob,gender,nhs_number,upn,la_person_id

* ``coverage.csv`` (optional) — one row saying what the export holds::

    extract_from,extract_to,extracted_at

The export's local codes (``event_code``, ``status``, ``sensitivity``) are mapped onto the
canonical vocabularies by :data:`EVENT_CODES`, :data:`STATUS_CODES` and :data:`SENSITIVITY_CODES`.
A blank ``sensitivity`` means the canonical kind's own default.

Loading: each file is parsed once per version — its modification time and size — and kept grouped
by ``child_id``; rows become canonical records only when a read asks for them. So a read costs a
dictionary lookup plus validating one family's rows, a new export is picked up by the next read
without a restart, and a bad row breaks only the reads that would return it. The error names the
file, line and column but never the row's values (they may be personal data). The export job
should replace files whole (write elsewhere, then rename) so a read never sees half a file.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from familyhubs_sdk.connectors import (
    Capability,
    CheckResult,
    ConnectorConfig,
    SourceConnector,
    as_naive,
    validate_read_args,
)
from familyhubs_sdk.errors import ConnectorError
from familyhubs_sdk.views import (
    CanonicalRecord,
    EventStatus,
    Person,
    Sensitivity,
    SourceCoverage,
    TimelineEvent,
)

__all__ = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "EVENT_CODES",
    "SENSITIVITY_CODES",
    "STATUS_CODES",
    "CSVConnector",
    "CSVConnectorConfig",
]

#: How the export writes a date and a date with a time.
DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M:%S"

#: The export's local event codes → canonical event kinds.
EVENT_CODES: dict[str, str] = {
    "CSC_CON": "social_care.contact",
    "CSC_REF": "social_care.referral",
    "CSC_ASMT": "social_care.assessment",
    "CSC_STRAT": "social_care.strategy_discussion",
    "CSC_S47": "social_care.section_47_enquiry",
    "CSC_CIN": "social_care.child_in_need_plan",
    "CSC_ICPC": "social_care.child_protection_conference",
    "CSC_CPP": "social_care.child_protection_plan",
    "CSC_LAC": "social_care.looked_after",
    "CSC_CL": "social_care.care_leaver",
    "EH_ASMT": "early_help.assessment",
    "EH_EP": "early_help.episode",
    "EH_HUB": "early_help.family_hub_session",
    "EH_TAF": "early_help.team_around_family",
    "ED_ENR": "education.school_enrolment",
    "ED_ATT": "education.attendance_concern",
    "ED_SUS": "education.suspension",
    "ED_PEX": "education.permanent_exclusion",
    "ED_SEN": "education.send_support",
    "ED_EHCP": "education.ehc_plan",
    "ED_EHE": "education.elective_home_education",
    "ED_CME": "education.missing_education",
    "HL_AE": "health.ae_attendance",
    "HL_HV": "health.health_visiting_contact",
    "HL_SN": "health.school_nursing_contact",
    "HL_MAT": "health.maternity_booking",
    "HL_GP": "health.gp_registration",
    "HL_CAMHS": "health.camhs_referral",
    "PO_DA": "police.domestic_abuse_notification",
    "PO_MISS": "police.missing_episode",
    "PO_CCN": "police.child_concern_notification",
    "HS_HOM": "housing.homelessness_application",
    "HS_TA": "housing.temporary_accommodation",
}

#: The export's ``status`` codes → canonical statuses.
STATUS_CODES: dict[str, EventStatus] = {
    "PLANNED": EventStatus.PLANNED,
    "OPEN": EventStatus.IN_PROGRESS,
    "CLOSED": EventStatus.FINISHED,
    "CANCELLED": EventStatus.CANCELLED,
}

#: The export's ``sensitivity`` flags → canonical sensitivity.
SENSITIVITY_CODES: dict[str, Sensitivity] = {
    "N": Sensitivity.STANDARD,
    "S": Sensitivity.SENSITIVE,
    "R": Sensitivity.RESTRICTED,
}


@dataclass(frozen=True)
class _FileSpec:
    filename: str
    #: Canonical field → the export's column, in the order the export writes them.
    columns: Mapping[str, str]
    #: The column rows are grouped by (``None``: all rows in one group).
    key_column: str | None
    required: bool = True


_EVENTS = _FileSpec(
    "events.csv",
    {
        "source_ref": "record_id",
        "person_key": "child_id",
        "kind": "event_code",
        "period_start": "started_at",
        "period_end": "ended_at",
        "status": "status",
        "service": "team",
        "professional_id": "worker_id",
        "label": "event_desc",
        "sensitivity": "sensitivity",
    },
    "child_id",
)
_PEOPLE = _FileSpec(
    "people.csv",
    {
        "person_key": "child_id",
        "given_name": "forename",
        "family_name": "surname",
        "birth_date": "dob",
        "gender": "gender",
        "nhs_number": "nhs_number",
        "upn": "upn",
        "la_person_id": "la_person_id",
    },
    "child_id",
)
_COVERAGE = _FileSpec(
    "coverage.csv",
    {
        "coverage_start": "extract_from",
        "coverage_end": "extract_to",
        "last_synchronised": "extracted_at",
    },
    None,
    required=False,
)

_Row = tuple[int, dict[str, str]]  # (line number, column → stripped text)
_Index = dict[str, list[_Row]]  # group key → rows, in file order
_R = TypeVar("_R", bound=CanonicalRecord)
_T = TypeVar("_T")


class _BadValue(Exception):
    """A cell the connector cannot map; carries the column and what is wrong, never the value."""

    def __init__(self, column: str, problem: str) -> None:
        super().__init__(column, problem)
        self.column = column
        self.problem = problem


class CSVConnectorConfig(ConnectorConfig):
    """Settings: the connector's ``name`` (its records' ``source_system``) and the export folder."""

    folder: Path


class CSVConnector(SourceConnector):
    """Reads people, timeline events and coverage from a folder of CSV exports."""

    Config = CSVConnectorConfig
    capabilities = frozenset({Capability.PEOPLE, Capability.TIMELINE, Capability.COVERAGE})

    def __init__(self, name: str, folder: Path | str, *, timeout_s: float = 3.0) -> None:
        super().__init__(name, timeout_s=timeout_s)
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[tuple[int, int], _Index]] = {}

    @classmethod
    def from_config(cls, config: ConnectorConfig) -> CSVConnector:
        if not isinstance(config, CSVConnectorConfig):
            raise TypeError(f"{cls.__name__} needs a CSVConnectorConfig")
        return cls(config.name, config.folder, timeout_s=config.timeout_s)

    # -- the interface -----------------------------------------------------------------------

    def check(self) -> CheckResult:
        """Whether the folder holds the files with the columns the reads need (rows are checked
        as they are read, so a health check stays cheap on a large export)."""
        if not self.folder.is_dir():
            return CheckResult(ok=False, problems=("the export folder does not exist",))
        problems: list[str] = []
        for spec in (_EVENTS, _PEOPLE, _COVERAGE):
            path = self.folder / spec.filename
            if not path.exists():
                if spec.required:
                    problems.append(f"{spec.filename} is missing")
                continue
            try:
                with path.open(newline="", encoding="utf-8-sig") as handle:
                    header = next(csv.reader(handle), None)
            except (OSError, UnicodeDecodeError, csv.Error) as exc:
                problems.append(f"{spec.filename} cannot be read ({type(exc).__name__})")
                continue
            problem = _header_problem(spec, header)
            if problem:
                problems.append(problem)
        return CheckResult(ok=not problems, problems=tuple(problems))

    def coverage(self) -> SourceCoverage | None:
        """From ``coverage.csv``; without it, only when the events were last exported."""
        if not (self.folder / _COVERAGE.filename).exists():
            version = self._version(_EVENTS)
            synchronised = datetime.fromtimestamp(version[0] / 1e9, UTC)
            return SourceCoverage(source_system=self.name, last_synchronised=as_naive(synchronised))
        rows = self._load(_COVERAGE).get("", [])
        if len(rows) != 1:
            raise ConnectorError(f"{_COVERAGE.filename} must hold one row, not {len(rows)}")
        line, row = rows[0]
        return self._build(
            _COVERAGE,
            line,
            SourceCoverage,
            lambda: {
                "source_system": self.name,
                "coverage_start": _date(row, "extract_from"),
                "coverage_end": _date(row, "extract_to"),
                "last_synchronised": _datetime(row, "extracted_at"),
            },
        )

    def read_people(self, person_keys: Sequence[str]) -> list[Person]:
        keys = validate_read_args(person_keys)
        index = self._load(_PEOPLE)
        return [
            self._person(line, row)
            for key in dict.fromkeys(keys)
            for line, row in index.get(key, [])
        ]

    def read_timeline(
        self,
        person_keys: Sequence[str],
        *,
        since: date | datetime | None = None,
        until: date | datetime | None = None,
        limit: int = 500,
    ) -> list[TimelineEvent]:
        keys = validate_read_args(person_keys, limit)
        low, high = as_naive(since), as_naive(until)
        index = self._load(_EVENTS)
        found: list[TimelineEvent] = []
        for key in dict.fromkeys(keys):
            for line, row in index.get(key, []):
                event = self._event(line, row)
                if (low is None or event.period_start >= low) and (
                    high is None or event.period_start < high
                ):
                    found.append(event)
        found.sort(key=lambda e: (e.period_start, e.source_ref), reverse=True)
        return found[:limit]

    def close(self) -> None:
        with self._lock:
            self._cache.clear()

    # -- mapping rows ------------------------------------------------------------------------

    def _event(self, line: int, row: dict[str, str]) -> TimelineEvent:
        return self._build(
            _EVENTS,
            line,
            TimelineEvent,
            lambda: {
                "source_system": self.name,
                "source_ref": row["record_id"],
                "person_key": row["child_id"],
                "kind": _code(row, "event_code", EVENT_CODES, required=True),
                "period_start": _datetime(row, "started_at", required=True),
                "period_end": _datetime(row, "ended_at"),
                "status": _code(row, "status", STATUS_CODES),
                "service": row["team"] or None,
                "professional_id": row["worker_id"] or None,
                "label": row["event_desc"] or None,
                "sensitivity": _code(row, "sensitivity", SENSITIVITY_CODES),
            },
        )

    def _person(self, line: int, row: dict[str, str]) -> Person:
        return self._build(
            _PEOPLE,
            line,
            Person,
            lambda: {
                "source_system": self.name,
                "person_key": row["child_id"],
                "given_name": row["forename"] or None,
                "family_name": row["surname"] or None,
                "birth_date": _date(row, "dob"),
                "gender": row["gender"] or None,
                "nhs_number": row["nhs_number"] or None,
                "upn": row["upn"] or None,
                "la_person_id": row["la_person_id"] or None,
            },
        )

    @staticmethod
    def _build(
        spec: _FileSpec, line: int, model: type[_R], fields: Callable[[], dict[str, Any]]
    ) -> _R:
        """The canonical record, or a ConnectorError naming file, line and column.

        The error is raised outside the ``except`` block so it carries no chained exception
        (pydantic's and ``strptime``'s messages quote the offending value).
        """
        try:
            return model.model_validate(fields())
        except _BadValue as exc:
            problem = f"column {exc.column} {exc.problem}"
        except ValidationError as exc:
            problem = _describe(spec, exc)
        raise ConnectorError(f"{spec.filename} line {line}: {problem}")

    # -- files -------------------------------------------------------------------------------

    def _version(self, spec: _FileSpec) -> tuple[int, int]:
        try:
            stat = (self.folder / spec.filename).stat()
        except FileNotFoundError:
            problem = "is missing"
        except OSError as exc:
            problem = f"cannot be read ({type(exc).__name__})"
        else:
            return stat.st_mtime_ns, stat.st_size
        raise ConnectorError(f"{spec.filename} {problem}")

    def _load(self, spec: _FileSpec) -> _Index:
        """The file's rows grouped by key, parsed again only when the file has changed."""
        with self._lock:
            version = self._version(spec)
            cached = self._cache.get(spec.filename)
            if cached is not None and cached[0] == version:
                return cached[1]
            index = _parse(self.folder / spec.filename, spec)
            self._cache[spec.filename] = (version, index)
            return index


def _parse(path: Path, spec: _FileSpec) -> _Index:
    index: _Index = {}
    columns = tuple(spec.columns.values())
    problem: str | None = None
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is not None:
                reader.fieldnames = [name.strip() for name in reader.fieldnames]
            problem = _header_problem(spec, reader.fieldnames)
            if problem is None:
                for raw in reader:
                    row = {column: (raw.get(column) or "").strip() for column in columns}
                    key = row[spec.key_column] if spec.key_column else ""
                    index.setdefault(key, []).append((reader.line_num, row))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problem = f"{spec.filename} cannot be read ({type(exc).__name__})"
    if problem is not None:
        raise ConnectorError(problem)
    return index


def _header_problem(spec: _FileSpec, header: Sequence[str] | None) -> str | None:
    if not header:
        return f"{spec.filename} has no header row"
    present = {name.strip() for name in header}
    missing = [column for column in spec.columns.values() if column not in present]
    if missing:
        return f"{spec.filename} lacks column(s): {', '.join(missing)}"
    return None


def _describe(spec: _FileSpec, exc: ValidationError) -> str:
    """Which columns failed canonical validation and how — without the values."""
    fields_to_columns = dict(spec.columns)
    problems = []
    for error in exc.errors(include_input=False, include_url=False, include_context=False):
        field = str(error["loc"][0]) if error["loc"] else None
        column = fields_to_columns.get(field, field) if field else None
        where = f"column {column}" if column else "row"
        problems.append(f"{where} is not valid ({error['type']})")
    return "; ".join(problems)


def _code(
    row: Mapping[str, str], column: str, codes: Mapping[str, _T], *, required: bool = False
) -> _T | None:
    value = row[column]
    if not value:
        if required:
            raise _BadValue(column, "is empty")
        return None
    if value.upper() not in codes:
        raise _BadValue(column, "has a code that is not in the code map")
    return codes[value.upper()]


def _datetime(row: Mapping[str, str], column: str, *, required: bool = False) -> datetime | None:
    return _parse_time(row, column, DATETIME_FORMAT, "DD/MM/YYYY HH:MM:SS", required=required)


def _date(row: Mapping[str, str], column: str) -> date | None:
    parsed = _parse_time(row, column, DATE_FORMAT, "DD/MM/YYYY", required=False)
    return parsed.date() if parsed else None


def _parse_time(
    row: Mapping[str, str], column: str, pattern: str, shown: str, *, required: bool
) -> datetime | None:
    value = row[column]
    if not value:
        if required:
            raise _BadValue(column, "is empty")
        return None
    try:
        return datetime.strptime(value, pattern)
    except ValueError:
        pass
    raise _BadValue(column, f"is not a date in the form {shown}")
