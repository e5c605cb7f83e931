#!/usr/bin/env python3
"""Query plans of the officers' inbox, the sweeper and the register over many dossiers.

Builds the schema from crates/storage/migrations, fills `dossiers` with N rows (default 300 000; 200 units; about 8 %
open, as in a province where most dossiers are closed), and prints EXPLAIN for each queue query in the exact shape
crates/storage/src/dossiers.rs renders. SQLite always; PostgreSQL too when --pg URL (an admin URL; a database
`motcua_plans` is created and dropped).

    python3 scripts/dossier-queue-plans.py --rows 300000 --pg postgres://postgres@127.0.0.1:5432/postgres
"""
import argparse, glob, os, random, sqlite3, subprocess, tempfile, uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLS = '"id", "status", "owner_unit_id", "due_at"'
OPEN = "'accepted', 'processing', 'supplement_requested', 'submitted'"

def queries(p):
    """The statements, with `p(n)` the n-th placeholder literal."""
    units = ", ".join(p(i) for i in range(3))
    return {
        "inbox unit (first page)": f'SELECT {COLS} FROM "dossiers" WHERE "closed_at" IS NULL AND "owner_unit_id" IN ({units}) AND "due_at" IS NOT NULL ORDER BY "due_at" ASC, "id" ASC LIMIT 50',
        "inbox unit (keyset page)": f'SELECT {COLS} FROM "dossiers" WHERE "closed_at" IS NULL AND "owner_unit_id" IN ({units}) AND "due_at" >= {p(10)} AND ("due_at" > {p(10)} OR "id" > {p(11)}) AND "due_at" IS NOT NULL ORDER BY "due_at" ASC, "id" ASC LIMIT 50',
        "inbox mine": f'SELECT {COLS} FROM "dossiers" WHERE "closed_at" IS NULL AND "assignee_id" = {p(20)} AND "due_at" IS NOT NULL ORDER BY "due_at" ASC, "id" ASC LIMIT 50',
        "inbox overdue": f'SELECT {COLS} FROM "dossiers" WHERE "closed_at" IS NULL AND "owner_unit_id" IN ({units}) AND "due_at" < {p(10)} AND "due_at" IS NOT NULL ORDER BY "due_at" ASC, "id" ASC LIMIT 50',
        "inbox awaiting supplement": f'SELECT {COLS} FROM "dossiers" WHERE "closed_at" IS NULL AND "owner_unit_id" IN ({units}) AND "status" IN ({p(30)}, {p(31)}) AND "due_at" IS NOT NULL ORDER BY "due_at" ASC, "id" ASC LIMIT 50',
        "sweeper": f'SELECT {COLS} FROM "dossiers" WHERE "closed_at" IS NULL AND "due_at" < {p(10)} ORDER BY "due_at" ASC, "id" ASC LIMIT 500',
        "register": f'SELECT {COLS} FROM "dossiers" WHERE "competent_unit_id" IN ({p(0)}) AND "submitted_at" >= {p(40)} AND "submitted_at" < {p(41)} ORDER BY "submitted_at" ASC, "id" ASC LIMIT 1000',
    }

VALUES = {0: "'u0'", 1: "'u1'", 2: "'u2'", 10: "'2026-06-01T00:00:00Z'", 11: "'00000000-0000-0000-0000-000000000000'",
          20: "'officer-7'", 30: "'supplement_requested'", 31: "'reception_supplement'",
          40: "'2026-03-01T00:00:00Z'", 41: "'2026-04-01T00:00:00Z'"}

def rows(n):
    rnd = random.Random(7)
    for i in range(n):
        unit = f"u{rnd.randrange(200)}"
        open_ = rnd.random() < 0.08
        status = rnd.choice(["accepted", "processing", "supplement_requested", "submitted"]) if open_ else rnd.choice(["returned", "not_accepted", "withdrawn", "stopped"])
        month = rnd.randrange(1, 13)
        submitted = f"2026-{month:02d}-{rnd.randrange(1, 28):02d}T0{rnd.randrange(1, 9)}:00:00Z"
        due = f"2026-{month:02d}-{rnd.randrange(1, 28):02d}T10:{rnd.randrange(60):02d}:00Z"
        assignee = f"officer-{rnd.randrange(2000)}" if open_ and rnd.random() < 0.7 else None
        yield (str(uuid.UUID(int=rnd.getrandbits(128))), unit, status, submitted, due, assignee, None if open_ else due)

def sqlite(n):
    path = os.path.join(tempfile.mkdtemp(), "plans.db")
    db = sqlite3.connect(path)
    for f in sorted(glob.glob(os.path.join(ROOT, "crates/storage/migrations/sqlite/*.sql"))):
        db.executescript(open(f).read())
    db.execute("pragma foreign_keys = off")
    db.executemany(
        "insert into dossiers (id, province_id, code, procedure_code, procedure_version, channel, receiving_unit_id, competent_unit_id, owner_unit_id, status, applicant, lookup_pin, form, components, due_at, supplement_requests, apologised, version, submitted_at, created_at, updated_at, assignee_id, closed_at) values (?, 'p48', null, '1.001570', 1, 'counter', ?, ?, ?, ?, '{}', '000000', '{}', '[]', ?, 0, 0, 1, ?, ?, ?, ?, ?)",
        ((uuid.UUID(r[0]).bytes, r[1], r[1], r[1], r[2], r[4], r[3], r[3], r[3], r[5], r[6]) for r in rows(n)))
    db.commit()
    db.execute("analyze")
    print(f"## SQLite, {n} dossiers")
    blob = {**VALUES, 11: "x'00000000000000000000000000000000'"}
    for name, sql in queries(lambda i: blob[i]).items():
        plan = db.execute("explain query plan " + sql).fetchall()
        print(f"- {name}: " + "; ".join(r[3] for r in plan))

def postgres(url, n):
    admin = lambda sql: subprocess.run(["psql", url, "-qAtc", sql], check=True, capture_output=True, text=True)
    admin("drop database if exists motcua_plans")
    admin("create database motcua_plans")
    db = url.rsplit("/", 1)[0] + "/motcua_plans"
    run = lambda sql: subprocess.run(["psql", db, "-qAt", "-v", "ON_ERROR_STOP=1"], input=sql, check=True, capture_output=True, text=True).stdout
    for f in sorted(glob.glob(os.path.join(ROOT, "crates/storage/migrations/postgres/*.sql"))):
        run(open(f).read())
    run("alter table dossiers drop constraint if exists dossiers_owner_unit_id_fkey; alter table dossiers drop constraint if exists dossiers_competent_unit_id_fkey; alter table dossiers drop constraint if exists dossiers_receiving_unit_id_fkey;")
    csv = os.path.join(tempfile.mkdtemp(), "d.csv")
    with open(csv, "w") as out:
        for r in rows(n):
            out.write("\t".join([r[0], r[1], r[2], r[3], r[4], r[5] or "\\N", r[6] or "\\N"]) + "\n")
    run("create temporary table t (id uuid, unit text, status text, submitted timestamptz, due timestamptz, assignee text, closed timestamptz);\n"
        f"\\copy t from '{csv}'\n"
        "insert into dossiers (id, province_id, procedure_code, procedure_version, channel, receiving_unit_id, competent_unit_id, owner_unit_id, status, applicant, lookup_pin, form, components, due_at, supplement_requests, apologised, version, submitted_at, created_at, updated_at, assignee_id, closed_at) select id, 'p48', '1.001570', 1, 'counter', unit, unit, unit, status, '{}', '000000', '{}', '[]', due, 0, false, 1, submitted, submitted, submitted, assignee, closed from t;\nanalyze dossiers;")
    print(f"## PostgreSQL, {n} dossiers")
    for name, sql in queries(lambda i: VALUES[i]).items():
        plan = run("explain " + sql).strip().splitlines()
        print(f"- {name}: " + " / ".join(l.strip() for l in plan))
    admin("drop database motcua_plans")

if __name__ == "__main__":
    a = argparse.ArgumentParser()
    a.add_argument("--rows", type=int, default=300_000)
    a.add_argument("--pg")
    args = a.parse_args()
    sqlite(args.rows)
    if args.pg:
        postgres(args.pg, args.rows)
