#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Independent survey of the shared sample FHIR data, used to derive the per-bundle and
per-patient counts hard-coded in fhir_samples_test.cpp and fhir_bulk_test.cpp.

It re-implements, in a few lines and without the C++ reader, the counting rules of docs/fhir.md
for a read *without* a screening date (no stale-record checks):
  conditions  = Condition resources (not entered-in-error, not refuted) whose SNOMED code has a
                `condition` row in data/terminology/snomed.csv;
  medications = distinct medication words whose latest MedicationRequest (by authoredOn, ties:
                later in the file) is `active` (stopped requests carry no stop date, so they
                give no item);
  allergies   = AllergyIntolerance resources whose code has an `allergy` row;
  procedures  = completed/in-progress/stopped Procedures with a `procedure` row and a date;
                those with a `condition` row (radiotherapy) add one condition per word (repeated
                sessions are merged into the latest);
  labs        = final/amended/corrected/preliminary Observations with a `lab` row, a
                valueQuantity without comparator, a unit in units.csv, a full date and a value
                inside the intake ranges (HbA1c 3..20 %, INR 0.5..20, platelets 0..2000,
                CD4 0..5000).
Run: python3 tests/fhir/survey_sample_counts.py ../shared/fhir
"""
import csv
import glob
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TABLES = os.path.join(ROOT, "data", "terminology")
SYSTEMS = {"rxnorm.csv": "http://www.nlm.nih.gov/research/umls/rxnorm",
           "rxnorm_products.csv": "http://www.nlm.nih.gov/research/umls/rxnorm",
           "snomed.csv": "http://snomed.info/sct", "loinc.csv": "http://loinc.org"}
RANGES = {"hba1c": (3, 20), "inr": (0.5, 20), "platelets": (0, 2000), "cd4": (0, 5000)}


def load_rows():
    rows = {}
    for name, system in SYSTEMS.items():
        with open(os.path.join(TABLES, name)) as f:
            lines = [l for l in f if not l.startswith("#")]
        for r in csv.DictReader(lines):
            rows.setdefault((system, r["code"]), []).append(r)
    units = {}
    with open(os.path.join(TABLES, "units.csv")) as f:
        for r in csv.DictReader(l for l in f if not l.startswith("#")):
            units[(r["lab"], r["unit"])] = (float(r["factor"]), float(r["offset"]))
    return rows, units


def words(rows, coding_list, kind):
    out = []
    for c in coding_list:
        for r in rows.get((c.get("system"), c.get("code")), []):
            if r["kind"] == kind:
                out += r["word"].split("+")
    return out


def status(res, key):
    cc = res.get(key) or {}
    for c in cc.get("coding", []):
        if c.get("code"):
            return c["code"]
    return None


def count(resources, rows, units):
    cond = allergies = labs = procs = 0
    procedure_conditions = set()
    latest = {}  # word -> (authoredOn, order, status)
    for order, r in enumerate(resources):
        t = r.get("resourceType")
        if t == "Condition":
            if status(r, "verificationStatus") in ("entered-in-error", "refuted"):
                continue
            cond += len(set(words(rows, r.get("code", {}).get("coding", []), "condition")))
        elif t == "Procedure":
            if r.get("status") not in ("completed", "in-progress", "stopped"):
                continue
            codings = r.get("code", {}).get("coding", [])
            procedure_conditions |= set(words(rows, codings, "condition"))
            dated = "performedDateTime" in r or "performedPeriod" in r
            procs += len(set(words(rows, codings, "procedure"))) if dated else 0
        elif t == "AllergyIntolerance":
            allergies += len(set(words(rows, r.get("code", {}).get("coding", []), "allergy")))
        elif t == "MedicationRequest":
            for w in set(words(rows, r.get("medicationCodeableConcept", {}).get("coding", []),
                               "medication")):
                key = (r.get("authoredOn", "")[:10], order)
                if w not in latest or key >= latest[w][0]:
                    latest[w] = (key, r.get("status"))
        elif t == "Observation":
            if r.get("status") not in ("final", "amended", "corrected", "preliminary"):
                continue
            lab = words(rows, r.get("code", {}).get("coding", []), "lab")
            q = r.get("valueQuantity")
            when = r.get("effectiveDateTime", "")
            if not lab or not q or "comparator" in q or len(when) < 10:
                continue
            unit = units.get((lab[0], q.get("code", q.get("unit", ""))))
            if not unit:
                continue
            v = q["value"] * unit[0] + unit[1]
            lo, hi = RANGES[lab[0]]
            labs += lo <= v <= hi
    meds = sum(1 for (_, st) in latest.values() if st == "active")
    cond += len(procedure_conditions)
    return cond, meds, allergies, labs, procs


def main(shared):
    rows, units = load_rows()
    print("// bundle: conditions, medications, allergies, labs, procedures")
    for path in sorted(glob.glob(os.path.join(shared, "bundles", "*.json"))):
        b = json.load(open(path))
        res = [e["resource"] for e in b.get("entry", []) if "resource" in e]
        print('{"%s", %d, %d, %d, %d, %d},' % ((os.path.basename(path),) + count(res, rows, units)))
    print("// bulk: patient id, resources, conditions, medications, allergies, procedures")
    bulk = os.path.join(shared, "bulk-10-patients")
    by_patient = {}
    order = []
    for path in sorted(glob.glob(os.path.join(bulk, "*.ndjson"))):
        for line in open(path):
            if not line.strip():
                continue
            r = json.loads(line)
            if r["resourceType"] == "Patient":
                pid = r["id"]
            else:
                ref = (r.get("subject") or r.get("patient") or {}).get("reference", "")
                pid = ref.split("/", 1)[1]
            by_patient.setdefault(pid, []).append(r)
    patients = [json.loads(l)["id"] for l in open(os.path.join(bulk, "Patient.000.ndjson"))]
    for pid in patients:
        c, m, a, _, p = count(by_patient[pid], rows, units)
        print('{"%s", %d, %d, %d, %d, %d},' % (pid, len(by_patient[pid]), c, m, a, p))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "fhir"))
