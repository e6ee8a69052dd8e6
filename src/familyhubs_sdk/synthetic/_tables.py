"""The synthetic warehouse's tables: SSD-shaped children's social care, plus the health,
education and police extracts an LA designs itself. Column names follow the Standard Safeguarding
Dataset where it has the table; ``la_*`` tables are local additions (names, contact points,
relationships, coverage) that the SSD does not carry."""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["metadata"]

metadata = sa.MetaData()


def _id(name: str, length: int = 48) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), primary_key=True)


def _ref(name: str, length: int = 48) -> sa.Column[str]:
    return sa.Column(name, sa.String(length), nullable=False)


# -- children's social care (SSD shape) ----------------------------------------------------------
sa.Table(
    "ssd_person",
    metadata,
    _id("pers_person_id"),
    sa.Column("pers_forename", sa.String(60)),
    sa.Column("pers_surname", sa.String(60)),
    sa.Column("pers_sex", sa.String(1)),
    sa.Column("pers_dob", sa.Date),
)
sa.Table(
    "ssd_linked_identifiers",
    metadata,
    _id("link_table_id"),
    _ref("link_person_id"),
    _ref("link_identifier_type", 100),
    _ref("link_identifier_value", 20),
    sa.Column("link_valid_from_date", sa.Date),
    sa.Index("ix_ssd_linked_identifiers_person", "link_person_id"),
)
sa.Table(
    "ssd_professionals",
    metadata,
    _id("prof_professional_id"),
    sa.Column("prof_professional_name", sa.String(100)),
    sa.Column("prof_professional_job_title", sa.String(100)),
    sa.Column("prof_professional_department", sa.String(100)),
)
sa.Table(
    "ssd_involvements",
    metadata,
    _id("invo_involvements_id"),
    _ref("invo_professional_id"),
    sa.Column("invo_professional_role_id", sa.String(100)),
    sa.Column("invo_professional_team", sa.String(100)),
    _ref("invo_person_id"),
    sa.Column("invo_involvement_start_date", sa.Date, nullable=False),
    sa.Column("invo_involvement_end_date", sa.Date),
)
sa.Table(
    "ssd_contacts",
    metadata,
    _id("cont_contact_id"),
    _ref("cont_person_id"),
    sa.Column("cont_contact_date", sa.DateTime, nullable=False),
    sa.Column("cont_contact_source_code", sa.String(48)),
)
sa.Table(
    "ssd_cin_episodes",
    metadata,
    _id("cine_referral_id"),
    _ref("cine_person_id"),
    sa.Column("cine_referral_date", sa.DateTime, nullable=False),
    sa.Column("cine_close_date", sa.DateTime),
    sa.Column("cine_referral_team", sa.String(255)),
    sa.Column("cine_referral_worker_id", sa.String(100)),
    sa.Column("cine_cin_primary_need_code", sa.String(3)),
)
sa.Table(
    "ssd_early_help_episodes",
    metadata,
    _id("earl_episode_id"),
    _ref("earl_person_id"),
    sa.Column("earl_episode_start_date", sa.DateTime, nullable=False),
    sa.Column("earl_episode_end_date", sa.DateTime),
    sa.Column("earl_episode_organisation", sa.String(100)),
    sa.Column("earl_episode_worker_id", sa.String(100)),
)
sa.Table(
    "ssd_cla_episodes",
    metadata,
    _id("clae_cla_episode_id"),
    _ref("clae_person_id"),
    sa.Column("clae_cla_episode_start_date", sa.DateTime, nullable=False),
    sa.Column("clae_cla_episode_ceased", sa.DateTime),
    sa.Column("clae_cla_episode_start_reason", sa.String(100)),
)
# -- local additions ------------------------------------------------------------------------------
sa.Table(
    "la_family_relationships",
    metadata,
    _id("rel_id"),
    _ref("rel_person_id"),
    _ref("rel_related_person_id"),
    _ref("rel_type", 20),
    sa.Index("ix_la_family_relationships_person", "rel_person_id"),
)
sa.Table(
    "la_professional_contacts",
    metadata,
    _id("pcon_id"),
    _ref("pcon_professional_id"),
    _ref("pcon_system", 20),
    _ref("pcon_value", 254),
    _ref("pcon_use", 10),
    sa.Index("ix_la_professional_contacts_professional", "pcon_professional_id"),
)
sa.Table(
    "la_source_coverage",
    metadata,
    _id("cov_source_system", 64),
    sa.Column("cov_last_synchronised", sa.DateTime),
    sa.Column("cov_start", sa.Date),
    sa.Column("cov_note", sa.String(120)),
)
# -- health (keyed by NHS number) ------------------------------------------------------------------
sa.Table(
    "health_practitioners",
    metadata,
    _id("hp_id", 20),
    _ref("hp_name", 100),
    sa.Column("hp_role", sa.String(40)),
    sa.Column("hp_team", sa.String(100)),
    sa.Column("hp_phone", sa.String(20)),
    sa.Column("hp_email", sa.String(254)),
)
sa.Table(
    "health_ae_attendances",
    metadata,
    _id("ae_attendance_id", 20),
    _ref("ae_nhs_number", 10),
    sa.Column("ae_arrival", sa.DateTime, nullable=False),
    sa.Column("ae_site", sa.String(100)),
)
sa.Table(
    "health_visiting_contacts",
    metadata,
    _id("hv_contact_id", 20),
    _ref("hv_nhs_number", 10),
    sa.Column("hv_contact_date", sa.DateTime, nullable=False),
    sa.Column("hv_contact_type", sa.String(8)),
    sa.Column("hv_practitioner_id", sa.String(20)),
)
# -- education (keyed by UPN) ----------------------------------------------------------------------
sa.Table(
    "edu_enrolments",
    metadata,
    _id("enr_id", 20),
    _ref("enr_upn", 13),
    sa.Column("enr_school_name", sa.String(100)),
    sa.Column("enr_entry_date", sa.DateTime, nullable=False),
    sa.Column("enr_leaving_date", sa.DateTime),
)
sa.Table(
    "edu_exclusions",
    metadata,
    _id("exc_id", 20),
    _ref("exc_upn", 13),
    sa.Column("exc_start_date", sa.DateTime, nullable=False),
    _ref("exc_category", 4),
    sa.Column("exc_school_name", sa.String(100)),
)
sa.Table(
    "edu_attendance_alerts",
    metadata,
    _id("att_id", 20),
    _ref("att_upn", 13),
    sa.Column("att_raised", sa.DateTime, nullable=False),
    sa.Column("att_school_name", sa.String(100)),
)
# -- police (matched to the LA person id by the front door) ----------------------------------------
sa.Table(
    "police_notifications",
    metadata,
    _id("pn_id", 20),
    _ref("pn_person_id"),
    sa.Column("pn_notified_at", sa.DateTime, nullable=False),
    _ref("pn_category", 4),
    sa.Column("pn_force_area", sa.String(60)),
)
