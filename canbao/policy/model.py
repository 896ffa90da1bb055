"""Campaign policy: the validated shape of one `configs/<campaign>.yaml`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from canbao.policy.limits import IntakeLimits

__all__ = [
    "CATEGORY_CODES",
    "EXEMPTION_CODES",
    "FUNDING_MODES",
    "AgeBand",
    "Agency",
    "Award",
    "BenefitRule",
    "BenefitStart",
    "Bulletin",
    "Campaign",
    "CampaignInfo",
    "CashDoubleLimit",
    "Category",
    "Channel",
    "Component",
    "Contribution",
    "CoverPeriod",
    "Deadline",
    "Exemption",
    "ExemptionHandoff",
    "Formats",
    "LateRule",
    "OptionalCover",
    "Phase",
    "Plausibility",
    "ProofRule",
    "Reporting",
    "RuleCutoff",
    "ScheduleLine",
    "SchoolTargets",
    "Settlement",
    "SubsidyLevel",
    "Thresholds",
    "TownShare",
    "TransferRule",
    "Unit",
    "Units",
]

CATEGORY_CODES = ("resident", "elderly", "non_employed", "minor", "college_student")
# The codes the shipped configs use; a campaign may define others (any lowercase code with its own name).
EXEMPTION_CODES = (
    "dibao", "tekun", "three_nos", "orphan", "key_entitled", "severe_disability",
    "registered_low_income", "hardship_worker_family", "downsized_1960s", "old_party_member",
    "temp_relief_serious_illness", "family_planning_special", "hardship_college_student",
)
FUNDING_MODES = ("none", "full_subsidy", "partial_subsidy", "advance_then_settle")

Yuan = Annotated[Decimal, Field(ge=0, decimal_places=2)]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Day = date  # alias: models with a field named `date` must not see the type under that name


class Strict(BaseModel):
    """Base for config models: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Strict):
    """A config entry that cites the notice clause it came from."""

    source: str = Field(min_length=1, description="clause of the notice, e.g. '二(一)'")
    assumed: bool = False
    note: str | None = None


class CampaignInfo(Strict):
    """Who runs the campaign, where, for which insurance year."""

    id: Annotated[str, Field(pattern=r"^[a-z]+-\d{4}$")]
    locality: str
    province: str
    area_code: Annotated[str, Field(pattern=r"^\d{6}$")]
    insurance_year: int
    notice: str
    issued: date | None = None
    issuers: list[str] = []
    window_start: date
    window_end: date
    timezone: Literal["Asia/Shanghai"] = "Asia/Shanghai"


class Agency(Strict):
    """An agency that owns deadlines, confirms lists or pays."""

    code: Code
    name: str
    channels: list[str] = Field(default_factory=list, description="notification channel names")


class Unit(Strict):
    """One town/street/village/school with its target where the notice gives one."""

    code: str
    name: str
    level: Literal["county", "town", "village", "school"]
    parent: str | None = None
    target: int | None = Field(default=None, ge=0)
    source: str | None = None


class SchoolTargets(Sourced):
    """How schools' targets are set (Rucheng 二: their students, as counted by the education bureau)."""

    basis: Literal["student_count", "last_year_enrolled"]
    agency: str = Field(description="agency whose count is authoritative")


class Units(Strict):
    """The locality's unit tree and how its targets are set."""

    target_total: int | None = Field(default=None, ge=0)
    target_method: Literal["config", "split_total", "last_year_enrolled", "last_year_guided"]
    population_assumed: int = Field(gt=0, description="scale-1.0 size for generated data")
    note: str | None = None
    source: str | None = None
    items: list[Unit] = []
    school_targets: SchoolTargets | None = None


class Phase(Sourced):
    """A campaign phase with its date range."""

    code: Literal["mobilization", "registration_payment", "cleanup", "settlement", "late_enrollment"]
    name: str
    start: date
    end: date


class RuleCutoff(Strict):
    """Who a dated rule change affects: residents still unpaid (renewals only, or some categories)."""

    population: Literal["unpaid", "unpaid_renewals"]
    categories: list[str] = Field(default_factory=list, description="only these categories; empty: all")
    who: str = Field(description="Chinese name of the affected group, e.g. 续保人员")
    consequence: str = Field(description="Chinese: what happens to them after the date")


class Deadline(Sourced):
    """A dated duty: what is due, from whom."""

    code: Code
    name: str
    kind: Literal[
        "registration", "payment", "exemption_list", "exemption_entry", "publicity", "training",
        "targets", "report", "posting", "batch_confirmation", "settlement", "fiscal_transfer",
        "rule_cutoff", "data_handoff",
    ]
    owner: str
    due: str
    date: Day | None = None
    start: Day | None = None
    end: Day | None = None
    adjust: Literal["none", "next_working_day", "previous_working_day"] = "none"
    warn_working_days: int = Field(default=3, ge=0)
    cutoff: RuleCutoff | None = Field(default=None, description="rule_cutoff: who the rule change affects")

    @model_validator(mode="after")
    def _one_date_shape(self) -> Deadline:
        if (self.date is None) == (self.start is None or self.end is None):
            raise ValueError("give either 'date' or both 'start' and 'end'")
        if self.start and self.end and self.start > self.end:
            raise ValueError("start is after end")
        return self


class AgeBand(Strict):
    """Category assigned by age on the reference date (inclusive bounds)."""

    category: str
    min_age: int | None = None
    max_age: int | None = None


class Category(Sourced):
    """A contribution category (ordinary class of resident)."""

    code: Literal["resident", "elderly", "non_employed", "minor", "college_student"]
    name: str
    funding_standard: Yuan | None = Field(default=None, description="stated total per person")


class Component(Strict):
    """A program inside the contribution (medical, serious illness, care)."""

    code: Literal["medical", "serious_illness", "care"]
    name: str


class ScheduleLine(Sourced):
    """Per person-year: one category x tier x component and each party's share."""

    category: str
    tier: int = Field(default=1, ge=1)
    component: str
    individual: Yuan
    government: Yuan
    fund_transfer: Yuan = Decimal(0)


class LateRule(Sourced):
    """After `after`, a payer of one of `categories` (all if empty) also pays the fiscal subsidy standard himself."""

    after: date
    categories: list[str] = Field(default_factory=list, description="categories it applies to; empty: all")
    adds: Literal["government_subsidy"] = "government_subsidy"
    subsidy_standard: Yuan


class OptionalCover(Sourced):
    """Voluntary add-on collected with the contribution (e.g. commercial supplement)."""

    code: Code
    name: str
    amount: Yuan


class Contribution(Strict):
    """The contribution schedule: categories x tiers x components."""

    categories: list[Category]
    components: list[Component]
    tiers: dict[int, str] = {1: "一档"}
    age_reference: Literal["insurance_year_start", "window_start"] = "insurance_year_start"
    age_bands: list[AgeBand] = []
    lines: list[ScheduleLine]
    late: LateRule | None = None
    optional: list[OptionalCover] = []


class Exemption(Sourced):
    """An exemption category: who confirms it and who pays the individual part."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]  # any code; the ledger keeps 32
    name: str
    aliases: list[str] = Field(default_factory=list, description="other words agencies write for it "
                               "(e.g. 农村低保, 城市低保 for dibao); many words to one code")
    agency: str
    funding_mode: Literal["full_subsidy", "partial_subsidy", "advance_then_settle"]
    payer: str = Field(description="agency whose budget pays (or advances) the individual part")
    settle_with: str | None = None
    subsidy: Yuan | None = Field(default=None, description="partial_subsidy: yuan paid per person")
    special_group: bool = Field(default=False, description="counted in the 100% special-group goal")
    precedence: int = 100
    categories: list[str] = Field(default_factory=list, description="contribution categories it applies to")
    local_hukou: bool = Field(default=False, description="only for residents with the locality's hukou")

    @model_validator(mode="after")
    def _mode_fields(self) -> Exemption:
        if self.funding_mode == "partial_subsidy" and self.subsidy is None:
            raise ValueError("partial_subsidy needs 'subsidy'")
        if self.funding_mode != "partial_subsidy" and self.subsidy is not None:
            raise ValueError("'subsidy' only applies to partial_subsidy")
        if (self.funding_mode == "advance_then_settle") != (self.settle_with is not None):
            raise ValueError("'settle_with' is required for advance_then_settle and only for it")
        return self


class ExemptionHandoff(Strict):
    """How exemption lists are taken in and handed off: the daily run's window, approval wait, list layouts."""

    start: Day | None = Field(default=None, description="first day of the daily run (default: first phase start)")
    end: Day | None = Field(default=None, description="last day (default: registration end or last list deadline)")
    run_time: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "08:30"
    approval_timeout_hours: int = Field(default=72, gt=0, description="how long a list waits for a decision")
    columns: dict[str, dict[Literal["id_number", "name", "exemption", "town", "village", "included_on",
                                    "person_number"], list[str]]] = Field(
        default_factory=dict, description="agency code -> column -> extra Chinese headers of its list")
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> ExemptionHandoff:
        if self.start and self.end and self.start > self.end:
            raise ValueError("start is after end")
        return self


class Formats(Strict):
    """Extra header names of received files, for any source (beyond the common ones the reader knows)."""

    headers: dict[str, dict[str, list[str]]] = Field(
        default_factory=dict, description="source code -> canonical column -> extra Chinese headers")
    note: str | None = None


class BenefitRule(Sourced):
    """One benefit-start rule; the first whose conditions all hold applies."""

    name: str
    enrollment: Literal["renewal", "new", "any"] = "any"
    categories: list[str] = Field(default_factory=list, description="only these categories; empty: all")
    paid_from: Day | None = None
    paid_by: Day | None = None
    newborn_within_days: int | None = Field(default=None, ge=0)
    insured_years: list[int] = Field(default_factory=list, description="all must be insured")
    start: Literal["fixed", "birth_date", "days_after_payment", "months_after_payment"]
    date: Day | None = None
    days: int | None = Field(default=None, ge=0)
    months: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _start_fields(self) -> BenefitRule:
        need = {"fixed": "date", "days_after_payment": "days", "months_after_payment": "months"}
        if self.start in need and getattr(self, need[self.start]) is None:
            raise ValueError(f"start '{self.start}' needs '{need[self.start]}'")
        return self


class CoverPeriod(Sourced):
    """A cover period other than the insurance year, for some categories (Yuzhong 一(二)2: academic year)."""

    categories: list[str] = Field(min_length=1)
    start: Day
    end: Day


class ProofRule(Sourced):
    """Payments in a period that are enrollments only with proof (Kaijiang 三(二)): they wait as needs_proof."""

    name: str
    enrollment: Literal["renewal", "new", "any"] = "any"
    categories: list[str] = Field(default_factory=list, description="only these categories; empty: all")
    paid_from: Day
    paid_by: Day | None = None
    newborns_exempt: bool = Field(default=True, description="no proof for someone born after the period ended")
    proofs: list[str] = Field(default_factory=list, description="the proofs the notice accepts, in Chinese")


class BenefitStart(Strict):
    """Benefit-start rules: ordered, first match wins; never before the cover period starts."""

    year_start: date
    rules: list[BenefitRule] = Field(min_length=1)
    cover_periods: list[CoverPeriod] = []
    proof: list[ProofRule] = []


class Channel(Sourced):
    """A collection channel."""

    code: Literal[
        "bank_deduction", "self_service_terminal", "tax_app", "village_cash", "school",
        "bank_counter", "service_window", "government_subsidy",
    ]
    name: str


class Thresholds(Strict):
    """A bulletin section's marks: units at or above `good` are named as doing well, below `warning` as lagging."""

    good: Decimal = Field(ge=0, le=1)
    warning: Decimal = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if self.warning > self.good:
            raise ValueError("warning is above good")
        return self


class Bulletin(Strict):
    """How the bureau issues the progress bulletin (进度通报): office, issue numbering, sections, rounding."""

    office: str | None = Field(default=None, description="issuing office; default: the notice's first issuer")
    first_issue: Day | None = Field(default=None, description="day of issue 1; default: the first weekly report")
    first_number: int = Field(default=1, ge=1, description="number of that first issue (a series carried over)")
    units: Thresholds | None = Field(default=None, description="default: good_threshold / warning_threshold")
    special_groups: Thresholds | None = Field(default=None, description="default: the units' thresholds")
    group_thresholds: dict[str, Thresholds] = Field(default_factory=dict, description="exemption code -> marks")
    groups: list[str] | None = Field(default=None, description="exemption codes that get a section, in order; "
                                     "default: the special groups")
    decimals: int = Field(default=2, ge=1, le=2, description="decimal places of the rates it shows")


class Reporting(Sourced):
    """Progress reporting: weekly window, goals, bulletin thresholds, monthly posting."""

    weekly_start: date | None = None
    weekly_end: date | None = None
    weekly_weekday: int = Field(default=0, ge=0, le=6, description="0 = Monday")
    weekly_time: str = "09:00"
    goal_rate: Decimal = Field(default=Decimal("0.98"), ge=0, le=1)
    special_group_goal: Decimal = Field(default=Decimal("1"), ge=0, le=1)
    good_threshold: Decimal = Decimal("0.95")
    warning_threshold: Decimal = Decimal("0.80")
    monthly_posting: bool = False
    bulletin: Bulletin = Bulletin()


class CashDoubleLimit(Sourced):
    """Cash must be deposited when it reaches `amount` or `days` after collection."""

    amount: Yuan
    days: int = Field(gt=0)


class Award(Sourced):
    """Per-enrolled-person award to villages that met their task on time."""

    per_enrolled: Yuan
    condition: str


class SubsidyLevel(Strict):
    """One level of government that carries a share of the fiscal subsidy."""

    code: Code
    name: str
    share: Decimal = Field(gt=0, le=1, description="share of the whole government subsidy")
    payer: str = Field(description="agency whose budget pays this level's share")
    per_town: bool = Field(default=False, description="each town pays the share of its own enrollees")


class TransferRule(Sourced):
    """A fiscal transfer the settlement requests: what it is based on, who pays whom, by when."""

    code: Code
    name: str
    basis: Literal["subsidy_level", "paid_on_behalf", "advance", "fund_transfer", "award"]
    level: str | None = Field(default=None, description="subsidy_level: the code of the level")
    payer: str | None = Field(default=None, description="agency; omitted: each town, exemption payer or settle_with")
    payee: str
    payer_account: str | None = None
    payee_account: str | None = None
    deadline: str | None = Field(default=None, description="code of the deadline that dates the transfer")
    due: Day | None = None

    @model_validator(mode="after")
    def _one_due(self) -> TransferRule:
        if (self.deadline is None) == (self.due is None):
            raise ValueError("give either 'deadline' or 'due'")
        if (self.basis == "subsidy_level") != (self.level is not None):
            raise ValueError("'level' is required for basis subsidy_level and only for it")
        return self


class TownShare(Sourced):
    """Towns whose per-town level carries another share (Haimen 二: 江心沙、海永镇 at the lowest ratio)."""

    towns: list[str] = Field(min_length=1, description="unit codes of the towns")
    share: Decimal = Field(ge=0, le=1, description="the per-town level's share for these towns")
    balance: str = Field(description="level code whose share takes up the difference")


class Settlement(Sourced):
    """How the settlement splits the subsidy, when awards are judged, and which transfers it requests."""

    subsidy_split: list[SubsidyLevel] = []
    award_by: Day | None = Field(default=None, description="villages must meet their target by this day")
    transfers: list[TransferRule] = []
    town_shares: list[TownShare] = []


class Plausibility(Sourced):
    """What intake takes as possibly true: dates near the payment window, amounts up to a maximum, transfers."""

    source: str = Field(default="none: no notice gives it (intake plausibility)", min_length=1)
    assumed: bool = True
    note: str | None = "defaults chosen for intake checks, see docs/configs.md"
    margin_days: int = Field(default=30, ge=0, description="days before the window's start and after its last day")
    max_amount: Yuan = Field(default=Decimal("5000"), gt=0, description="largest plausible single payment")
    allow_transfers: bool = Field(default=False, description="a later registration may move an enrolled person")


class Campaign(Strict):
    """One campaign: a locality's enrollment drive for one insurance year."""

    campaign: CampaignInfo
    agencies: list[Agency]
    units: Units
    phases: list[Phase]
    deadlines: list[Deadline]
    contribution: Contribution
    exemptions: list[Exemption] = []
    exemption_handoff: ExemptionHandoff | None = None
    formats: Formats = Formats()
    benefit_start: BenefitStart
    channels: list[Channel]
    reporting: Reporting
    cash_double_limit: CashDoubleLimit | None = None
    award: Award | None = None
    settlement: Settlement | None = None
    intake_limits: IntakeLimits = IntakeLimits()
    plausibility: Plausibility = Field(default_factory=Plausibility)
    holidays: list[date] = Field(default_factory=list, description="extra non-working days")
    workdays: list[date] = Field(default_factory=list, description="extra working days")

    @property
    def id(self) -> str:
        """The campaign id, e.g. `kaijiang-2020`."""
        return self.campaign.id
