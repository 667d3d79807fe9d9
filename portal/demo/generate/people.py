"""The generated organisation: a CEO, a director per department, teams of about eight."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portal.accounts.models import Role
from portal.demo.generate.plan import Row
from portal.demo.organisation import CONTRACT_PEOPLE, DEPARTMENTS, FIRST_NAMES, LAST_NAMES, TITLES

TEAM_SIZE = 8
EXTRA_DEPARTMENTS = [
    "Operations",
    "Finance",
    "Technology",
    "Risk & Compliance",
    "Marketing",
    "Field Services",
]


@dataclass
class Person:
    id: int
    email: str
    department_id: int
    manager_id: int | None
    role: Role


def generated_name(number: int) -> str:
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    last = LAST_NAMES[(number // len(FIRST_NAMES) + number * 7) % len(LAST_NAMES)]
    return f"{first} {last}"


class Organisation:
    """People with ids in insertion order, so every manager is inserted before their reports."""

    def __init__(self, password_hash: str, now: datetime) -> None:
        self.password_hash = password_hash
        self.now = now
        self.people: list[Person] = []
        self.rows: list[Row] = []
        self.by_email: dict[str, Person] = {}
        self.generated = 0

    def add(
        self,
        email: str | None,
        name: str,
        title: str,
        department_id: int,
        manager_id: int | None,
        role: Role,
    ) -> Person:
        if email is None:
            self.generated += 1
            email = f"employee{self.generated}@example.com"
            name = generated_name(self.generated)
        person = Person(len(self.people) + 1, email, department_id, manager_id, role)
        self.people.append(person)
        self.by_email[email] = person
        self.rows.append(
            {
                "id": person.id,
                "email": email,
                "password_hash": self.password_hash,
                "display_name": name,
                "job_title": title,
                "department_id": department_id,
                "manager_id": manager_id,
                "role": role,
                "active": True,
                "created_at": self.now,
                "updated_at": self.now,
            }
        )
        return person

    def person(self, person_id: int) -> Person:
        return self.people[person_id - 1]

    def managers_above(self, person_id: int) -> list[int]:
        """The person's reporting line, nearest manager first (everyone generated is active)."""
        chain = []
        manager_id = self.person(person_id).manager_id
        while manager_id is not None:
            chain.append(manager_id)
            manager_id = self.person(manager_id).manager_id
        return chain

    def ids_with_role(self, role: Role) -> list[int]:
        return [person.id for person in self.people if person.role is role]


def department_names(employees: int) -> list[str]:
    return DEPARTMENTS + (EXTRA_DEPARTMENTS if employees >= 1000 else [])


def split_evenly(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def plan_people(
    employees: int, departments: dict[str, int], password_hash: str, now: datetime
) -> Organisation:
    """CEO -> one director per department -> managers (one per TEAM_SIZE) -> team members.

    The DESIGN.md demo accounts keep their roles and managers; the demo director heads
    Customer Experience and reports to the CEO.
    """
    org = Organisation(password_hash, now)
    demo = {person.email: person for person in CONTRACT_PEOPLE}
    cx = departments["Customer Experience"]
    ceo = org.add(None, "", "Chief executive", cx, None, Role.MANAGER)
    admin = demo["admin@example.com"]
    org.add(admin.email, admin.name, admin.title, departments[admin.department], None, admin.role)
    directors = {
        cx: org.add(
            "director@example.com",
            demo["director@example.com"].name,
            demo["director@example.com"].title,
            cx,
            ceo.id,
            Role.MANAGER,
        )
    }
    for name, department_id in departments.items():
        if department_id != cx:
            directors[department_id] = org.add(
                None, "", f"Director of {name}", department_id, ceo.id, Role.MANAGER
            )
    left = max(employees - org.generated, 0)
    staff = dict(zip(departments.values(), split_evenly(left, len(departments)), strict=True))
    demo_manager = demo["manager@example.com"]
    teams: dict[int, list[Person]] = {}
    for department_id, count in staff.items():
        managers = [
            org.add(
                None, "", "Team manager", department_id, directors[department_id].id, Role.MANAGER
            )
            for _ in range(max(1, round(count / (TEAM_SIZE + 1))) if count else 0)
        ]
        if department_id == cx:
            managers.insert(
                0,
                org.add(
                    demo_manager.email,
                    demo_manager.name,
                    demo_manager.title,
                    cx,
                    directors[cx].id,
                    Role.MANAGER,
                ),
            )
        teams[department_id] = managers
    for email in ("employee@example.com", "colleague@example.com"):
        person = demo[email]
        org.add(
            email,
            person.name,
            person.title,
            cx,
            org.by_email["manager@example.com"].id,
            person.role,
        )
    for department_id, count in staff.items():
        managers = teams[department_id]
        generated_managers = len(managers) - (1 if department_id == cx else 0)
        for number in range(count - generated_managers):
            manager = managers[number % len(managers)] if managers else directors[department_id]
            org.add(
                None, "", TITLES[number % len(TITLES)], department_id, manager.id, Role.EMPLOYEE
            )
    return org
