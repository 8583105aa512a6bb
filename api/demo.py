"""Demo data: two Norwegian companies (idempotent; development/demo mode only)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .accounts import admin, permissions
from .accounts.models import Tenant, User

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


def _seed_company(db: Session, name: str, people, first_mobile: int, first_office: int,
                  first_short: int, password: str, service_number: str) -> Tenant:
    tenant = admin.create_tenant(db, name=name, country="NO", timezone="Europe/Oslo",
                                 language="nb", password_policy="standard",
                                 sms_service_number=service_number)
    for i, (first, last, title, dept, role_key) in enumerate(people):
        role = admin.builtin_role(db, tenant.id, role_key)
        admin.create_user(db, tenant, {
            "mobile": f"+47{first_mobile + i}", "first_name": first, "last_name": last,
            "email": f"{first.lower()}.{last.lower()}@example.no", "title": title,
            "department": dept, "office_number": f"+47{first_office + i}",
            "short_number": str(first_short + i), "tags": [dept.lower()], "language": "nb",
            "role_id": role.id}, password=password)
    return tenant


def seed_demo(db: Session, password: str) -> list[str]:
    """Create the demo companies unless they exist. Returns what was created."""
    created = []
    if db.scalar(select(User.id).where(User.mobile == "+4790000001")) is None:
        _seed_company(db, DEMO_A, PEOPLE_A, 90000001, 21000001, 201, password, "+4741000000")
        created.append(DEMO_A)
    if db.scalar(select(User.id).where(User.mobile == "+4790000101")) is None:
        _seed_company(db, DEMO_B, PEOPLE_B, 90000101, 23000101, 301, password, "+4741000100")
        created.append(DEMO_B)
    db.commit()
    return created
