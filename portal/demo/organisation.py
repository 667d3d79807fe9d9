"""The demo organisation: the accounts of DESIGN.md's UI contract and a few dozen colleagues."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.accounts.models import Department, Role, User
from portal.accounts.passwords import hash_password

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published demo password, see README

DEPARTMENTS = [
    "Customer Experience",
    "Member Services",
    "Claims",
    "Digital",
    "Contact Centre",
    "People & Culture",
]


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    title: str
    department: str
    role: Role
    manager: str | None


CONTRACT_PEOPLE = [
    DemoPerson(
        "admin@example.com",
        "Avery Admin",
        "Programme administrator",
        "People & Culture",
        Role.ADMIN,
        None,
    ),
    DemoPerson(
        "director@example.com",
        "Dana Director",
        "Director of Customer Experience",
        "Customer Experience",
        Role.MANAGER,
        None,
    ),
    DemoPerson(
        "manager@example.com",
        "Morgan Manager",
        "Service manager",
        "Customer Experience",
        Role.MANAGER,
        "director@example.com",
    ),
    DemoPerson(
        "employee@example.com",
        "Emery Employee",
        "Member service representative",
        "Customer Experience",
        Role.EMPLOYEE,
        "manager@example.com",
    ),
    DemoPerson(
        "colleague@example.com",
        "Casey Colleague",
        "Member service representative",
        "Customer Experience",
        Role.EMPLOYEE,
        "manager@example.com",
    ),
]

FIRST_NAMES = [
    "Alex",
    "Blair",
    "Cameron",
    "Devon",
    "Elliot",
    "Frankie",
    "Gray",
    "Harper",
    "Indy",
    "Jordan",
    "Kai",
    "Logan",
    "Micah",
    "Noel",
    "Oakley",
    "Parker",
    "Quinn",
    "Reese",
    "Sage",
    "Taylor",
    "Umi",
    "Val",
    "Wren",
    "Yael",
    "Zion",
    "Rowan",
    "Skyler",
    "Jamie",
    "Robin",
    "Shay",
]
LAST_NAMES = [
    "Adams",
    "Baker",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jones",
    "Khan",
    "Lopez",
    "Moreau",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quist",
    "Rossi",
    "Silva",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Young",
    "Zhou",
    "Novak",
    "Berg",
    "Costa",
    "Dubois",
]
TITLES = [
    "Member service representative",
    "Claims adjuster",
    "Senior analyst",
    "Team lead",
    "Product designer",
    "Contact centre agent",
]


def colleagues() -> list[DemoPerson]:
    """Two team leads per department other than CX, each with a handful of reports."""
    people: list[DemoPerson] = []
    number = 0
    for department in DEPARTMENTS[1:]:
        lead_email = f"lead.{department.split()[0].lower()}@example.com"
        lead_name = f"{FIRST_NAMES[number % 30]} {LAST_NAMES[(number * 7) % 30]}"
        people.append(
            DemoPerson(
                lead_email, lead_name, "Team lead", department, Role.MANAGER, "director@example.com"
            )
        )
        number += 1
        for _ in range(5):
            name = f"{FIRST_NAMES[number % 30]} {LAST_NAMES[(number * 7 + 3) % 30]}"
            email = f"{name.lower().replace(' ', '.')}@example.com"
            people.append(
                DemoPerson(
                    email, name, TITLES[number % len(TITLES)], department, Role.EMPLOYEE, lead_email
                )
            )
            number += 1
    return people


def load_demo_people(session: Session) -> int:
    """Add the demo organisation; returns how many people were added."""
    departments = {name: Department(name=name) for name in DEPARTMENTS}
    session.add_all(departments.values())
    password_hash = hash_password(DEMO_PASSWORD)
    users: dict[str, User] = {}
    for person in CONTRACT_PEOPLE + colleagues():
        user = User(
            email=person.email,
            display_name=person.name,
            job_title=person.title,
            department=departments[person.department],
            role=person.role,
            password_hash=password_hash,
        )
        if person.manager:
            user.manager = users[person.manager]
        users[person.email] = user
        session.add(user)
    session.flush()
    return len(users)
