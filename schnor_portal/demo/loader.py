"""Load the three source documents' municipalities from the JSON files beside this module.

Idempotent: every object is found by its natural key and saved only when a value differs,
so a second run changes nothing and writes no history. The format is docs/demo-data-format.md.
"""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from accounts.models import REGION_ROLES, Person, PersonRole, User
from clusters.models import Cluster, ClusterMembership
from monitoring.control.services import control_points_sync_for_plan
from schnor_portal.demo.lived import live_municipality
from monitoring.models import ControlPoint, ExamResult, IndicatorValue, PlanIndicator, ReferenceResult
from reports.models import Order, OrderAppendix, OrderPoint
from roadmaps.models import (
    Activity,
    ActivityExecutor,
    ExecutorLevel,
    Plan,
    PlanOutcome,
    PlanRisk,
    PlanSection,
    PlanTeamMember,
    WorkingGroup,
    WorkingGroupMember,
)
from roadmaps.targets import parse_target
from schools.models import (
    CuratorAssignment,
    Municipality,
    Region,
    School,
    SchoolList,
    SchoolListEntry,
    SchoolYearData,
    SocialPassport,
)

DATA_DIR = Path(__file__).parent / "data"
DEMO_FILES = ("omsk.json", "uglegorsk.json", "yakovlevsky.json")
DEMO_PASSWORD = "demo"


@dataclass
class LoadReport:
    created: dict = field(default_factory=dict)
    updated: dict = field(default_factory=dict)
    accounts: list = field(default_factory=list)
    lived: list = field(default_factory=list)

    def count(self, bucket, model):
        name = model._meta.verbose_name_plural
        bucket[name] = bucket.get(name, 0) + 1


def _upsert(report, model, lookup, values=None):
    """get_or_create that saves an existing row only when a value really changed."""
    values = values or {}
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.count(report.created, model)
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=changed)
        report.count(report.updated, model)
    return obj


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _decimal(value):
    # Strings in the JSON keep the document's figures exact («66,17» must not become 66.1699…).
    return None if value is None else Decimal(str(value))


def _lines(value):
    if isinstance(value, list):
        return "\n".join(value)
    return value or ""


class _MunicipalityLoader:
    def __init__(self, data, report):
        self.data = data
        self.report = report
        self.people: dict[str, Person] = {}
        self.schools: dict[str, School] = {}
        self.plans: dict[str, Plan] = {}
        self.groups: list[WorkingGroup] = []

    def upsert(self, model, lookup, values=None):
        return _upsert(self.report, model, lookup, values)

    def run(self):
        region = self.upsert(Region, {"name": self.data["region"]})
        m = self.data["municipality"]
        self.municipality = self.upsert(
            Municipality,
            {"name": m["name"]},
            {
                "region": region,
                "authority_name": m["authority_name"],
                "authority_header": _lines(m["authority_header"]),
                "place": m.get("place", ""),
                "head_position": m.get("head_position", ""),
                "time_zone": m["time_zone"],
                "list_label": m.get("list_label") or "ШНОР",
            },
        )
        self.load_people()
        self.load_schools()
        if m.get("head"):
            self.upsert(Municipality, {"pk": self.municipality.pk}, {"head": self.people[m["head"]]})
        self.load_year_data()
        self.load_results(region)
        self.load_lists()
        for a in self.data.get("curator_assignments", []):
            self.upsert(
                CuratorAssignment,
                {"school": self.schools[a["school"]], "curator": self.people[a["curator"]], "start_date": _date(a.get("start_date"))},
                {"end_date": _date(a.get("end_date"))},
            )
        for p in self.data.get("plans", []):
            self.load_plan(p)
        for g in self.data.get("working_groups", []):
            self.load_working_group(g)
        for o in self.data.get("orders", []):
            self.load_order(o)
        for a in self.data.get("accounts", []):
            self.load_account(a)
        for plan in self.plans.values():
            synced = control_points_sync_for_plan(plan=plan)
            if synced.created:
                name = ControlPoint._meta.verbose_name_plural
                self.report.created[name] = self.report.created.get(name, 0) + synced.created

    def load_people(self):
        for p in self.data["people"]:
            person = self.upsert(
                Person,
                {
                    "municipality": self.municipality,
                    "last_name": p["last_name"],
                    "first_name": p.get("first_name", ""),
                    "middle_name": p.get("middle_name", ""),
                },
                {
                    "position": p.get("position", ""),
                    "organisation": p.get("organisation", ""),
                    "note": p.get("note", ""),
                },
            )
            for kind in p.get("roles", []):
                self.upsert(PersonRole, {"person": person, "kind": kind})
            self.people[p["key"]] = person

    def load_schools(self):
        pending_branch = []
        for s in self.data["schools"]:
            school = self.upsert(
                School,
                {"municipality": self.municipality, "short_name": s["short_name"]},
                {
                    "full_name": s["full_name"],
                    "abbreviation": s.get("abbreviation", ""),
                    "kind": s["kind"],
                    "locality": s["locality"],
                    "is_small": bool(s.get("is_small")),
                    "settlement": s.get("settlement", ""),
                    "distance_to_centre_km": s.get("distance_to_centre_km"),
                    "director": self.people.get(s.get("director")),
                    "note": s.get("note", ""),
                },
            )
            self.schools[s["key"]] = school
            if s.get("branch_of"):
                pending_branch.append((school, s["branch_of"]))
        for school, parent_key in pending_branch:
            self.upsert(School, {"pk": school.pk}, {"branch_of": self.schools[parent_key]})
        for p in self.data["people"]:
            if p.get("school"):
                self.upsert(Person, {"pk": self.people[p["key"]].pk}, {"school": self.schools[p["school"]]})

    def load_year_data(self):
        for y in self.data.get("year_data", []):
            values = {k: v for k, v in y.items() if k not in ("school", "year")}
            values["is_resilient"] = bool(values.get("is_resilient"))
            for level_field in ("deficit_staff", "deficit_infrastructure", "deficit_transport"):
                values[level_field] = values.get(level_field) or ""
            values["context_note"] = values.get("context_note") or ""
            self.upsert(SchoolYearData, {"school": self.schools[y["school"]], "year": y["year"]}, values)
        for p in self.data.get("social_passports", []):
            values = {k: v for k, v in p.items() if k not in ("school", "year")}
            values["dysfunctional_note"] = values.get("dysfunctional_note") or ""
            self.upsert(SocialPassport, {"school": self.schools[p["school"]], "year": p["year"]}, values)

    def load_results(self, region):
        for r in self.data.get("exam_results", []):
            self.upsert(
                ExamResult,
                {
                    "school": self.schools[r["school"]],
                    "procedure": r["procedure"],
                    "subject": r["subject"],
                    "grade": r["grade"],
                    "year": r["year"],
                },
                {
                    "average_score": _decimal(r.get("average_score")),
                    "failed_share": _decimal(r.get("failed_share")),
                    "participants": r.get("participants"),
                },
            )
        for r in self.data.get("reference_results", []):
            owner = {"region": region} if r["level"] == "region" else {}
            self.upsert(
                ReferenceResult,
                {"level": r["level"], "municipality": self.municipality, **owner, "procedure": r["procedure"], "subject": r["subject"], "grade": r["grade"], "year": r["year"]},
                {"average_score": _decimal(r.get("average_score")), "failed_share": _decimal(r.get("failed_share"))},
            )

    def load_lists(self):
        for lst in self.data.get("lists", []):
            school_list = self.upsert(
                SchoolList,
                {"municipality": self.municipality, "year": lst["year"], "category": lst["category"]},
                {"title": lst.get("title", ""), "source": lst.get("source", "")},
            )
            for e in lst["entries"]:
                self.upsert(
                    SchoolListEntry,
                    {"school_list": school_list, "school": self.schools[e["school"]]},
                    {
                        "markers": _lines(e.get("markers")),
                        "fioko_cluster": e.get("fioko_cluster") or "",
                        "trend": e.get("trend") or "",
                        "objectivity_issue": bool(e.get("objectivity_issue")),
                        "note": e.get("note") or "",
                    },
                )

    def load_plan(self, p):
        passport = {
            name: _lines(p.get(name))
            for name in (
                "responsible_body", "approving_official", "developers", "executors", "co_executors", "idea",
                "goal", "tasks", "period_text", "funding", "expected_results", "effectiveness_criteria", "background",
            )
        }
        # The document's own plan, never a later edition of it (an edition may keep the title).
        lookup = {"municipality": self.municipality, "kind": p["kind"], "title": p["title"], "replaces": None}
        values = {
            "period_start": _date(p["period_start"]),
            "period_end": _date(p["period_end"]),
            "status": p.get("status", Plan.Status.DRAFT),
            "part_of": self.plans.get(p.get("part_of")),
            "result_before_executors": bool(p.get("result_before_executors")),
            # The table's columns in the document's order, with its headings (roadmaps.layout).
            "columns": p.get("columns", []),
            **passport,
        }
        if Plan.objects.filter(replaces__in=Plan.objects.filter(**lookup)).exists():
            # The demo's life gave the plan a new edition (demo/lived.py): it lost force by that
            # edition's order, and loading the document again must not bring it back into force.
            del values["status"]
        plan = self.upsert(Plan, lookup, values)
        self.plans[p["key"]] = plan
        for i, r in enumerate(p.get("risks", []), start=1):
            self.upsert(PlanRisk, {"plan": plan, "position": i}, {"risk": r["risk"], "mitigation": r.get("mitigation", "")})
        for i, o in enumerate(p.get("outcomes", []), start=1):
            self.upsert(PlanOutcome, {"plan": plan, "position": i}, {"result": o["result"], "effect": o.get("effect", "")})
        for i, t in enumerate(p.get("team", []), start=1):
            self.upsert(
                PlanTeamMember,
                {"plan": plan, "position": i},
                {"person": self.people.get(t.get("person")), "name": t["name"], "post": t["post"], "duties": t.get("duties", "")},
            )
        clusters = {}
        for c in p.get("clusters", []):
            cluster = self.upsert(
                Cluster,
                {"plan": plan, "number": c["number"]},
                {"name": c["name"], "description": c.get("description", ""), "criterion": c.get("criterion") or "custom"},
            )
            clusters[c["number"]] = cluster
            for member in c.get("schools", []):
                self.upsert(
                    ClusterMembership,
                    {"cluster": cluster, "school": self.schools[member["school"]]},
                    {"reason": member.get("reason", "")},
                )
        self.set_plan_schools(plan, p, clusters)
        counter = iter(range(1, 10_000))
        for s in p.get("sections", []):
            self.load_section(plan, s, None, clusters, counter)
        self.load_indicators(plan, p)

    def load_indicators(self, plan, p):
        """The plan's indicators as the document words them; values only where it states a figure."""
        for position, i in enumerate(p.get("indicators", []), start=1):
            indicator = self.upsert(
                PlanIndicator,
                {"plan": plan, "position": position},
                {
                    "name": i["name"],
                    "kind": i["kind"],
                    # Without a target the comparator compares nothing: the model's default stands in.
                    "comparator": i.get("comparator") or PlanIndicator.Comparator.AT_LEAST,
                    "target_value": _decimal(i.get("target_value")),
                    "unit": i.get("unit", ""),
                    "per_school": bool(i.get("per_school", True)),
                },
            )
            for v in i.get("values", []):
                self.upsert(
                    IndicatorValue,
                    {"indicator": indicator, "school": self.schools.get(v.get("school")), "period_start": _date(v["period_start"])},
                    {"period_end": _date(v["period_end"]), "value": _decimal(v["value"]), "note": v.get("note", "")},
                )

    def set_plan_schools(self, plan, p, clusters):
        """The plan's schools: as listed, else its clusters' schools, else the latest ШНОР list."""
        if p.get("schools"):
            schools = {self.schools[key].pk for key in p["schools"]}
        elif clusters:
            schools = set(ClusterMembership.objects.filter(cluster__plan=plan).values_list("school_id", flat=True))
        else:
            latest = (
                SchoolList.objects.filter(municipality=self.municipality, category=SchoolList.Category.SHNOR)
                .order_by("-year")
                .first()
            )
            schools = set(latest.entries.values_list("school_id", flat=True)) if latest else set()
        if set(plan.schools.values_list("pk", flat=True)) != schools:
            plan.schools.set(schools)

    def load_section(self, plan, s, parent, clusters, counter):
        cluster = clusters.get(s.get("cluster"))
        section = self.upsert(
            PlanSection,
            {"plan": plan, "position": next(counter)},
            {
                "parent": parent,
                "number": s.get("number", ""),
                "title": s["title"],
                "tasks": _lines(s.get("tasks")),
                "indicators": _lines(s.get("indicators")),
                "cluster": cluster,
            },
        )
        for position, a in enumerate(s.get("activities", []), start=1):
            self.load_activity(section, position, a, cluster)
        for child in s.get("children", []):
            self.load_section(plan, child, section, clusters, counter)

    def load_activity(self, section, position, a, cluster):
        executors = a.get("executors", [])
        scope = a.get("scope") or (
            Activity.Scope.CLUSTERS
            if cluster
            else Activity.Scope.ALL_SCHOOLS
            if any(e["level"] == ExecutorLevel.SCHOOL for e in executors)
            else Activity.Scope.MUNICIPALITY
        )
        target = parse_target(a.get("result", ""))
        activity = self.upsert(
            Activity,
            {"section": section, "position": position},
            {
                "number": a.get("number", ""),
                "content": a["content"],
                "deadline_text": a.get("deadline", ""),
                "executors_text": a.get("executors_text", ""),
                "expected_result": a.get("result", ""),
                "target_comparator": target.comparator if target else "",
                "target_value": target.value if target else None,
                "target_unit": target.unit if target else "",
                "scope": scope,
                "note": a.get("note", ""),
            },
        )
        if scope == Activity.Scope.CLUSTERS and cluster:
            if set(activity.clusters.values_list("pk", flat=True)) != {cluster.pk}:
                activity.clusters.set([cluster])
        if a.get("schools"):
            activity.schools.set([self.schools[k] for k in a["schools"]])
        for i, e in enumerate(executors, start=1):
            self.upsert(
                ActivityExecutor,
                {"activity": activity, "position": i},
                {"level": e["level"], "kind": e["kind"], "name": e["name"], "person": self.people.get(e.get("person"))},
            )
        activity.executor_set.filter(position__gt=len(executors)).delete()

    def load_working_group(self, g):
        group = self.upsert(
            WorkingGroup, {"municipality": self.municipality, "title": g["title"]}, {"plan": self.plans.get(g.get("plan"))}
        )
        for i, member in enumerate(g["members"], start=1):
            self.upsert(
                WorkingGroupMember,
                {"group": group, "position": i},
                {"person": self.people[member["person"]], "post": member["post"], "role_in_group": member.get("role_in_group", "")},
            )
        self.groups.append(group)

    def load_order(self, o):
        order = self.upsert(
            Order,
            {"municipality": self.municipality, "kind": o["kind"], "number": o["number"], "date": _date(o["date"])},
            {
                "header": _lines(o["header"]),
                "place": o.get("place", ""),
                "title": o["title"],
                "preamble": o.get("preamble", ""),
                "operative_word": o.get("operative_word", ""),
                "signatory_position": o["signatory_position"],
                "signatory_name": o["signatory_name"],
                "signatory": self.people.get(o.get("signatory")),
                "approval_kind": o.get("approval_kind") or "",
                "approval_position": o.get("approval_position", ""),
                "approval_name": o.get("approval_name", ""),
                "status": o.get("status", Order.Status.DRAFT),
            },
        )
        for pt in o.get("points", []):
            self.upsert(
                OrderPoint,
                {"order": order, "number": pt["number"]},
                {
                    "text": pt["text"],
                    "responsible": self.people.get(pt.get("responsible")),
                    "responsible_text": pt.get("responsible_text", ""),
                    "deadline_text": pt.get("deadline_text", ""),
                    "due_date": _date(pt.get("due_date")),
                },
            )
        for position, ap in enumerate(o.get("appendices", []), start=1):
            group_index = ap.get("working_group")
            self.upsert(
                OrderAppendix,
                {"order": order, "position": position},
                {
                    "number": ap.get("number"),
                    "kind": ap["kind"],
                    "title": ap.get("title", ""),
                    "plan": self.plans.get(ap.get("plan")),
                    "working_group": self.groups[group_index] if group_index is not None else None,
                    "text": ap.get("text", ""),
                },
            )
        for key in o.get("approves", []):
            self.upsert(Plan, {"pk": self.plans[key].pk}, {"approved_by": order})

    def load_account(self, a):
        user = User.objects.filter(username=a["username"]).first()
        if a["role"] in REGION_ROLES:
            # The region's account (its viewer reports the region body's points of 3-level plans)
            # belongs to the region, not to the municipality whose file names it.
            values = {"role": a["role"], "region": self.municipality.region, "municipality": None, "person": None, "school": None}
        else:
            values = {
                "role": a["role"],
                "municipality": self.municipality,
                "person": self.people.get(a.get("person")),
                "school": self.schools.get(a.get("school")),
            }
        if user is None:
            user = User(username=a["username"], **values)
            user.set_password(DEMO_PASSWORD)
            user.full_clean()
            user.save()
            self.report.count(self.report.created, User)
        else:
            self.upsert(User, {"pk": user.pk}, values)
        owner = self.municipality.region.name if a["role"] in REGION_ROLES else self.municipality.name
        self.report.accounts.append((a["username"], user.get_role_display(), owner))


def load_demo(files=DEMO_FILES) -> LoadReport:
    report = LoadReport()
    with transaction.atomic():
        for name in files:
            data = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
            loader = _MunicipalityLoader(data, report)
            loader.run()
            if live_municipality(loader.municipality, list(loader.plans.values())):
                report.lived.append(loader.municipality.name)
    return report
