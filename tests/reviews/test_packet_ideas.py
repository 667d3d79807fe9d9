"""Ideas in review packets: submitted or implemented in the cycle, measured impact, votes."""

from __future__ import annotations

import csv
import io
import json

from portal.ideas.models import Vote
from portal.reviews.packets import CycleTimes, Packet, _ideas_query, build_packets
from portal.reviews.queries import get_packet
from portal.reviews.services import close_cycle
from tests.recognition.conftest import Org
from tests.reviews.conftest import LONG_AGO, NOW, add_idea


def test_a_packet_holds_ideas_submitted_or_implemented_in_the_cycle(db, org: Org, cycle):
    add_idea(db, org.colleague, "Call backs", implemented_at=NOW, voters=[org.employee])
    add_idea(
        db,
        org.employee,
        "Shared notes",
        co_authors=[org.colleague],
        voters=[org.outsider, org.manager],
    )
    add_idea(db, org.colleague, "Old but done now", submitted_at=LONG_AGO, implemented_at=NOW)
    add_idea(db, org.colleague, "Last year's idea", submitted_at=LONG_AGO, voters=[org.outsider])
    add_idea(db, org.colleague, "Still a draft", submitted_at=None)
    add_idea(db, org.colleague, "Voted long ago", voters=[org.director], voted_at=LONG_AGO)

    [packet] = build_packets(db, cycle, [org.colleague.id])

    by_title = {idea.title: idea for idea in packet.ideas}
    assert set(by_title) == {"Call backs", "Shared notes", "Old but done now", "Voted long ago"}
    assert by_title["Shared notes"].role == "co-author"
    assert by_title["Call backs"].role == "author"
    assert by_title["Old but done now"].submitted_on is None
    assert by_title["Shared notes"].implemented_on is None
    [impact] = by_title["Call backs"].impacts
    assert (impact.measure, impact.unit, impact.before, impact.after) == (
        "Average hold time",
        "seconds",
        "1200.00",
        "240.50",
    )
    assert by_title["Shared notes"].impacts == []
    assert (packet.ideas_submitted, packet.ideas_implemented) == (3, 2)
    # Votes cast in the cycle on any idea they authored or co-authored (last year's included);
    # votes cast before the cycle do not count.
    assert packet.votes_received == 4


def test_co_authors_and_authors_are_both_credited(db, org: Org, cycle):
    add_idea(db, org.employee, "Together", co_authors=[org.colleague], voters=[org.outsider])
    packets = {packet.user_id: packet for packet in build_packets(db, cycle)}
    for person in (org.employee, org.colleague):
        assert [idea.title for idea in packets[person.id].ideas] == ["Together"]
        assert packets[person.id].votes_received == 1
    assert packets[org.outsider.id].ideas == []


def test_the_packet_page_shows_ideas_impact_and_votes(db, org: Org, cycle, login_as):
    add_idea(db, org.colleague, "Call backs", implemented_at=NOW, voters=[org.employee])
    html = (
        login_as(org.colleague)
        .get(f"/reviews/{cycle.id}/people/{org.colleague.id}")
        .get_data(as_text=True)
    )
    assert "Call backs" in html
    assert "Measured customer impact" in html
    assert "1200.00 seconds" in html and "240.50 seconds" in html
    assert "<dt>Votes received</dt><dd>1</dd>" in html
    assert "<dt>Ideas implemented</dt><dd>1</dd>" in html


def test_closing_freezes_ideas_and_votes_in_the_packet(db, org: Org, cycle, admin):
    idea = add_idea(db, org.colleague, "Call backs", implemented_at=NOW, voters=[org.employee])
    close_cycle(db, admin, cycle.id)
    db.commit()
    db.add(Vote(idea_id=idea.id, voter_id=org.outsider.id))
    add_idea(db, org.colleague, "After the close")
    packet = get_packet(db, admin, cycle.id, org.colleague.id)
    assert packet.frozen
    assert [item.title for item in packet.ideas] == ["Call backs"]
    assert packet.ideas[0].impacts[0].after == "240.50"
    assert packet.votes_received == 1


def test_exports_carry_ideas_impact_and_votes(db, org: Org, cycle, admin, login_as):
    add_idea(db, org.colleague, "Call backs", implemented_at=NOW, voters=[org.employee])
    client = login_as(admin)
    for closed in (False, True):
        if closed:
            close_cycle(db, admin, cycle.id)
            db.commit()
        text = client.get(f"/reviews/{cycle.id}/export.csv").get_data(as_text=True)
        row = next(
            row for row in csv.DictReader(io.StringIO(text)) if row["email"] == org.colleague.email
        )
        assert row["ideas_submitted"] == "1" and row["ideas_implemented"] == "1"
        assert row["votes_received"] == "1"
        assert row["idea_impacts"] == "Call backs: Average hold time 1200.00 -> 240.50 seconds"
        data = json.loads(client.get(f"/reviews/{cycle.id}/export.json").get_data(as_text=True))
        colleague = next(item for item in data if item["email"] == org.colleague.email)
        assert colleague["votes_received"] == 1
        assert colleague["ideas"][0]["impacts"][0]["measure"] == "Average hold time"


def test_a_snapshot_frozen_before_ideas_were_in_packets_still_opens():
    older = {
        "cycle_id": 1,
        "cycle_name": "2025",
        "user_id": 7,
        "name": "Casey Colleague",
        "email": "colleague@example.com",
        "job_title": "Representative",
        "department": "Customer Experience",
        "awards": [],
        "points": 0,
        "traits_covered": [],
        "traits_missing": [],
        "distinct_nominators": 0,
        "team_median_nominators": 0.0,
        "frozen": True,
    }
    packet = Packet.from_dict(older)
    assert (packet.ideas, packet.votes_received, packet.frozen) == ([], 0, True)


def test_one_persons_packet_reads_the_events_of_their_ideas_only(db, database, org: Org, cycle):
    add_idea(db, org.colleague, "Call backs", implemented_at=NOW)
    add_idea(db, org.employee, "Someone else's", implemented_at=NOW)
    query = _ideas_query(CycleTimes.of(cycle), [org.colleague.id])
    sql = str(query.compile(database.engine, compile_kwargs={"literal_binds": True}))
    with database.engine.connect() as connection:
        titles = {row.title for row in connection.exec_driver_sql(sql)}
        if database.dialect == "sqlite":
            plan = [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
            assert not any(step.startswith("SCAN idea_events") for step in plan), plan
    assert titles == {"Call backs"}
