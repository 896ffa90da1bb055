"""Rows a caller knows to be new go in without conflict handling: the ledger and the count are those of the plain
upsert, on SQLite and PostgreSQL (COPY included), a key wrongly called new fails instead of being overwritten, and
the intake store sorts a batch into new and known records as the ledger holds them."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from canbao.errors import LedgerError
from canbao.intake.campaign import open_campaign
from canbao.intake.store import start_import, store_registrations
from canbao.ledger.bulk import upsert
from canbao.ledger.lookup import absent_keys
from canbao.ledger.schema import Audit, Enrollment
from canbao.policy.load import load_campaign
from tests.test_audit_protect import AT, CAMPAIGN, OTHER, PERSON, an_id, registration
from tests.test_ledger import ENROLLMENT_KEY, enrollments, ids, seed

PEOPLE = ids(8)


def _stored(conn) -> list[tuple]:
    t = Enrollment.__table__
    return [tuple(r) for r in conn.execute(select(t.c.id_number, t.c.unit_code, t.c.tier, t.c.registered_at,
                                                  t.c.source_row).order_by(t.c.id_number))]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.sets(st.integers(0, 7)), incoming=st.sets(st.integers(0, 7), min_size=1),
       changed=st.sets(st.integers(0, 7)), copy_threshold=st.sampled_from([None, 0]))
def test_known_new_rows_write_what_the_upsert_writes(ledger_engine: Engine, before: set[int], incoming: set[int],
                                                      changed: set[int], copy_threshold: int | None):
    results = []
    for hint in (False, True):
        with ledger_engine.begin() as conn:
            import_id = seed(conn, PEOPLE)
            frame = enrollments(PEOPLE, import_id)
            upsert(conn, Enrollment, frame.iloc[sorted(before)], ENROLLMENT_KEY)
            rows = frame.iloc[sorted(incoming)].copy()
            rows.loc[rows.index.isin(list(changed)), "tier"] = 2
            # Oracle: who was written before is the one set the rows are checked against.
            absent = [i not in before for i in sorted(incoming)] if hint else None
            count = upsert(conn, Enrollment, rows, ENROLLMENT_KEY, copy_threshold=copy_threshold, absent=absent)
            results.append((count, _stored(conn)))
            conn.rollback()
    assert results[0] == results[1]
    assert results[1][0] == len(incoming - before) + len(incoming & before & changed)


def test_a_known_key_called_new_fails_and_is_not_overwritten(ledger_engine: Engine):
    with ledger_engine.begin() as conn:
        import_id = seed(conn, PEOPLE[:2])
        upsert(conn, Enrollment, enrollments(PEOPLE[:2], import_id), ENROLLMENT_KEY)
    again = enrollments(PEOPLE[:2], import_id).assign(unit_code="v02", source_row=99)
    with pytest.raises(LedgerError), ledger_engine.begin() as conn:
        upsert(conn, Enrollment, again, ENROLLMENT_KEY, absent=[False, True])
    with pytest.raises(ValueError, match="absent flags"), ledger_engine.begin() as conn:
        upsert(conn, Enrollment, again, ENROLLMENT_KEY, absent=[True])
    with ledger_engine.connect() as conn:
        assert [(r[0], r[1], r[4]) for r in _stored(conn)] == [(PEOPLE[0], "v01", 2), (PEOPLE[1], "v02", 3)]


def test_a_row_is_new_exactly_when_no_row_read_carries_its_whole_key():
    found = pd.DataFrame({"campaign_id": ["c", "c", "d"], "id_number": ["1", "2", "3"]})
    rows = pd.DataFrame({"campaign_id": ["c", "c", "c", "d"], "id_number": pd.array(["1", "3", "4", "3"],
                                                                                    dtype="string")})
    assert absent_keys(rows, found, ENROLLMENT_KEY) == [False, True, True, False]
    assert absent_keys(rows, found.iloc[:0], ENROLLMENT_KEY) == [True] * 4


def test_a_batch_of_known_and_new_people_inserts_updates_and_audits(ledger_engine: Engine):
    c = load_campaign(CAMPAIGN)
    unit_a, unit_b = [u.code for u in c.units.items if u.level == "town"][:2]
    newcomer = an_id("51172320000303004")
    with ledger_engine.begin() as conn:
        open_campaign(conn, c, AT)
        first = start_import(conn, c.id, "roster", "一月.xlsx", "a" * 64, 2, AT, None).import_id
        assert store_registrations(conn, c.id, pd.DataFrame([registration(PERSON, unit_a, 3, "一月.xlsx"),
                                                             registration(OTHER, unit_a, 4, "一月.xlsx")]),
                                   {"一月.xlsx": first}, "village", AT, None) == 2
        second = start_import(conn, c.id, "roster", "二月.xlsx", "b" * 64, 3, AT, None).import_id
        batch = [registration(PERSON, unit_b, 3, "二月.xlsx"), registration(OTHER, unit_a, 4, "一月.xlsx"),
                 registration(newcomer, unit_b, 5, "二月.xlsx")]
        # PERSON moves (written, audited), OTHER is as stored (left alone), the newcomer is new (written).
        assert store_registrations(conn, c.id, pd.DataFrame(batch), {"二月.xlsx": second, "一月.xlsx": first},
                                   "village", AT, None) == 2
        enrolled = dict(conn.execute(select(Enrollment.id_number, Enrollment.unit_code)).all())
        audit = conn.execute(select(Audit.record_key, Audit.before, Audit.after)
                             .where(Audit.table_name == "enrollments")).all()
    assert enrolled == {PERSON: unit_b, OTHER: unit_a, newcomer: unit_b}
    assert [(key, before["unit_code"], after["unit_code"]) for key, before, after in audit] == [
        (f"{CAMPAIGN}/{PERSON}", unit_a, unit_b)]
