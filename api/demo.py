"""Demo data: two Norwegian companies (idempotent; development/demo mode only).

The companies can take a call the moment `make run` is up: every user has a softphone at
`sip:<short number>@127.0.0.1:5062` (one SIPp `uas` there answers for all of them), the
receptionist and the support team also a desk phone at `127.0.0.1:5064`, Fjordtelefon a
main number that rings the receptionist and a Support queue whose members are logged in.
Mobiles (every user's, as for any new user) ring through the trunk (`SIP_TRUNK_URI`)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .accounts import admin, permissions
from .accounts.models import Tenant, User
from .availability import numbers
from .availability.models import Device
from .numbers.services import create_series, free_numbers
from .queues import membership, services as queues

SOFTPHONES = "127.0.0.1:5062"
DESK_PHONES = "127.0.0.1:5064"
DESK_PHONE_DEPARTMENTS = ("Reception", "Support")

DEMO_A = "Fjordtelefon AS"
DEMO_B = "Nordlys Regnskap AS"

PEOPLE_A = [
    # first, last, title, department, role
    ("Ingrid", "Admin", "IT manager", "IT", permissions.ADMINISTRATOR),
    ("Anna", "Berg", "Sales manager", "Sales", permissions.TEAM_LEADER),
    ("Lars", "Hansen", "Account executive", "Sales", permissions.USER),
    ("Kari", "Johansen", "Account executive", "Sales", permissions.USER),
    ("Ola", "Nilsen", "Support lead", "Support", permissions.TEAM_LEADER),
    ("Nora", "Larsen", "Support agent", "Support", permissions.USER),
    ("Emil", "Andersen", "Support agent", "Support", permissions.USER),
    ("Sofie", "Pedersen", "Support agent", "Support", permissions.USER),
    ("Jonas", "Kristiansen", "Accountant", "Finance", permissions.USER),
    ("Emma", "Jensen", "CFO", "Finance", permissions.USER),
    ("Henrik", "Karlsen", "CEO", "Management", permissions.USER),
    ("Ida", "Olsen", "Receptionist", "Reception", permissions.USER),
    ("Magnus", "Eriksen", "Developer", "IT", permissions.USER),
    ("Thea", "Berntsen", "Developer", "IT", permissions.USER),
    ("Sander", "Haugen", "Field technician", "Service", permissions.USER),
    ("Maja", "Halvorsen", "Field technician", "Service", permissions.USER),
    ("Filip", "Moen", "Marketing", "Marketing", permissions.USER),
    ("Leah", "Dahl", "Marketing", "Marketing", permissions.USER),
    ("Aksel", "Lund", "Warehouse", "Logistics", permissions.USER),
    ("Ella", "Strand", "Logistics planner", "Logistics", permissions.USER),
]
PEOPLE_B = [
    ("Per", "Admin", "Partner", "Management", permissions.ADMINISTRATOR),
    ("Siri", "Vik", "Accountant", "Accounting", permissions.USER),
    ("Tor", "Lie", "Accountant", "Accounting", permissions.USER),
    ("Hanne", "Bakke", "Office manager", "Office", permissions.TEAM_LEADER),
]
# main number (label, number, department of the user it rings), queue (name, number, department)
CALLS_A = (("Fjordtelefon sentralbord", "+4721000000", "Reception"),
           ("Support", "+4721000099", "Support"))
CALLS_B = (("Nordlys sentralbord", "+4723000100", "Office"), None)


def _free(db: Session, tenant: Tenant, series) -> str:
    return free_numbers(db, tenant.id, series.id, 1)[0]["number"]


def _seed_company(db: Session, name: str, people, first_mobile: int, first_office: int,
                  first_short: int, password: str, service_number: str) -> Tenant:
    """The company owns a series of office numbers and of short numbers; each person gets
    the next free number of each (as an administrator picks them in the app)."""
    tenant = admin.create_tenant(db, name=name, country="NO", timezone="Europe/Oslo",
                                 language="nb", password_policy="standard",
                                 sms_service_number=service_number)
    offices = create_series(db, tenant, {"kind": "public", "first": f"+47{first_office}",
                                         "last": f"+47{first_office + 98}",
                                         "label": "Office numbers"})
    shorts = create_series(db, tenant, {"kind": "short", "first": str(first_short),
                                        "last": str(first_short + 98), "label": "Extensions"})
    for i, (first, last, title, dept, role_key) in enumerate(people):
        role = admin.builtin_role(db, tenant.id, role_key)
        admin.create_user(db, tenant, {
            "mobile": f"+47{first_mobile + i}", "first_name": first, "last_name": last,
            "email": f"{first.lower()}.{last.lower()}@example.no", "title": title,
            "department": dept, "office_number": _free(db, tenant, offices),
            "short_number": _free(db, tenant, shorts), "tags": [dept.lower()], "language": "nb",
            "role_id": role.id}, password=password)
    return tenant


def _seed_phones(db: Session, tenant: Tenant, users: list[User]) -> bool:
    """SIP phones, unless the company has some already."""
    if db.scalar(select(Device.id).where(Device.tenant_id == tenant.id,
                                         Device.kind != "mobile").limit(1)) is not None:
        return False
    for u in users:
        numbers.save_device(db, tenant, u.id, None, {
            "kind": "softphone", "label": "Softphone",
            "sip_uri": f"sip:{u.short_number}@{SOFTPHONES}"})
        if u.department in DESK_PHONE_DEPARTMENTS:
            numbers.save_device(db, tenant, u.id, None, {
                "kind": "deskphone", "label": "Desk phone",
                "sip_uri": f"sip:{u.short_number}@{DESK_PHONES}"})
    return True


def _seed_main_number(db: Session, tenant: Tenant, users: list[User], main_number) -> bool:
    if numbers.list_main_numbers(db, tenant.id):
        return False
    label, number, department = main_number
    receptionist = next(u for u in users if u.department == department)
    numbers.save_main_number(db, tenant, None, {"number": number, "label": label,
                                                "user_id": receptionist.id})
    return True


def _seed_queue(db: Session, tenant: Tenant, users: list[User], queue) -> bool:
    if queue is None or queues.list_queues(db, tenant.id, include_hidden=True):
        return False
    name, number, department = queue
    row = queues.create_queue(db, tenant, {"name": name, "number": number,
                                           "distribution": "ring_all", "ring_time_s": 20,
                                           "max_wait_s": 120, "announce_position": True})
    for priority, u in enumerate(u for u in users if u.department == department):
        queues.set_member(db, row, u.id, {"priority": min(priority, 1)})
        membership.set_login(db, tenant.id, u.id, [row.id], True, by_user_id=u.id)
    return True


def _seed_calls(db: Session, tenant: Tenant, main_number, queue) -> list[str]:
    """What a first live call needs, each part unless the company has it already."""
    users = list(db.scalars(select(User).where(User.tenant_id == tenant.id).order_by(User.id)))
    added = [("phones", _seed_phones(db, tenant, users)),
             ("main number", _seed_main_number(db, tenant, users, main_number)),
             ("queue", _seed_queue(db, tenant, users, queue))]
    return [what for what, done in added if done]


def seed_demo(db: Session, password: str) -> list[str]:
    """Create the demo companies unless they exist, and give each its phones, main number and
    queue unless it has them already. Returns what was created."""
    created = []
    for name, people, first, office, short, sms, (main_number, queue) in (
            (DEMO_A, PEOPLE_A, 90000001, 21000001, 201, "+4741000000", CALLS_A),
            (DEMO_B, PEOPLE_B, 90000101, 23000101, 301, "+4741000100", CALLS_B)):
        found = db.scalar(select(User).where(User.mobile == f"+47{first}"))
        tenant = db.get(Tenant, found.tenant_id) if found is not None else \
            _seed_company(db, name, people, first, office, short, password, sms)
        if found is None:
            created.append(name)
        added = _seed_calls(db, tenant, main_number, queue)
        if added:
            created.append(f"{name}: {', '.join(added)}")
    db.commit()
    return created
