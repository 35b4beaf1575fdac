#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes N lines of `mnscreen batch` input: {"id", "intake", "plan"} records, varied and
deterministic (seeded), the size of real pre-treatment intakes (0-6 conditions, 0-6
medications, 0-3 allergies, labs, denials).

    bench/make_batch_input.py 1000000 > /tmp/batch-1m.ndjson
    bench/make_batch_input.py 1000 --bad-every 100 --seed 7 > small.ndjson

A pool of distinct records is drawn once and cycled with fresh ids, so a million lines take
seconds. --bad-every K makes every K-th line a bad one (truncated JSON, unknown code, blank,
missing plan, in turn), to measure the error path too.
"""
import argparse
import json
import random
import sys

AREAS = ["forehead", "glabella", "periorbital", "nose", "cheeks", "perioral", "chin", "jawline",
         "neck", "decolletage", "chest", "back", "arms", "hands", "abdomen", "thighs", "scalp"]
CONDITIONS = ["keloid", "acne_vulgaris", "rosacea", "eczema", "psoriasis", "vitiligo",
              "hsv_labialis", "warts", "sunburn", "actinic_keratosis", "raised_nevus", "tattoo",
              "diabetes_mellitus", "melasma", "keratosis_pilaris", "cardiac_arrhythmia",
              "hypertrophic_scarring", "autoimmune_connective_tissue"]
MEDICATIONS = ["warfarin", "apixaban", "rivaroxaban", "clopidogrel", "aspirin", "ibuprofen",
               "naproxen", "fish_oil", "vitamin_e", "turmeric", "isotretinoin", "tretinoin",
               "adapalene", "retinol", "benzoyl_peroxide", "salicylic_acid", "glycolic_acid",
               "doxycycline", "minocycline", "spironolactone", "methotrexate", "prednisolone",
               "valaciclovir", "minoxidil"]
TOPICAL = {"tretinoin", "adapalene", "retinol", "benzoyl_peroxide", "salicylic_acid",
           "glycolic_acid", "minoxidil"}
ALLERGIES = ["lidocaine", "benzocaine", "nickel", "chlorhexidine", "latex", "fragrance",
             "lanolin", "hyaluronic_acid", "povidone_iodine"]
NEGATIVES = ["anticoagulant", "bleeding_disorder", "isotretinoin", "keloid", "hsv_labialis",
             "skin_infection", "anesthetic_allergy", "implanted_device", "diabetes_mellitus",
             "immunosuppression"]
DEVICES = ["pen", "pen", "pen", "roller", "stamp", "rf_microneedling"]
ANESTHETICS = ["none", "lidocaine", "lidocaine_prilocaine", "benzocaine_lidocaine_tetracaine"]


def day(rng, start_year, end_year):
    return f"{rng.randint(start_year, end_year)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def make_intake(rng, i):
    sex = rng.choice(["female", "female", "male", "other"])
    patient = {"id": f"p-{i:06d}", "birth_date": day(rng, 1950, 2006), "sex": sex,
               "fitzpatrick": rng.randint(1, 6), "smoker": rng.random() < 0.15}
    if sex != "male":
        patient["pregnant"] = rng.random() < 0.03
        patient["breastfeeding"] = rng.random() < 0.03
    conditions = []
    for code in rng.sample(CONDITIONS, rng.randint(0, 6)):
        c = {"code": code, "status": rng.choice(["active", "history", "resolved"])}
        if rng.random() < 0.5:
            c["sites"] = rng.sample(AREAS, rng.randint(1, 2))
        if code == "acne_vulgaris":
            c["severity"] = rng.choice(["mild", "moderate", "severe"])
        if rng.random() < 0.4:
            c["onset"] = day(rng, 2000, 2026)
        conditions.append(c)
    medications = []
    for code in rng.sample(MEDICATIONS, rng.randint(0, 6)):
        m = {"code": code, "route": "topical" if code in TOPICAL else "oral",
             "start": day(rng, 2020, 2025)}
        if rng.random() < 0.5:
            m["stop"] = day(rng, 2026, 2026)
        medications.append(m)
    allergies = [{"substance": s, "reaction": "rash",
                  "severity": rng.choice(["mild", "moderate", "severe"])}
                 for s in rng.sample(ALLERGIES, rng.randint(0, 3))]
    labs = []
    if any(c["code"] == "diabetes_mellitus" for c in conditions):
        labs.append({"code": "hba1c", "value": round(rng.uniform(5.0, 10.5), 1), "unit": "%",
                     "date": day(rng, 2026, 2026)})
    if any(m["code"] in ("warfarin",) for m in medications):
        labs.append({"code": "inr", "value": round(rng.uniform(1.0, 3.8), 1),
                     "date": day(rng, 2026, 2026)})
    present = {c["code"] for c in conditions}
    negatives = [n for n in NEGATIVES if n not in present and rng.random() < 0.8]
    doc = {"schema": "mnscreen.intake/1", "patient": patient}
    for key, value in (("conditions", conditions), ("medications", medications),
                       ("allergies", allergies), ("labs", labs), ("negatives", negatives)):
        if value:
            doc[key] = value
    return doc


def make_plan(rng):
    device = rng.choice(DEVICES)
    return {"schema": "mnscreen.plan/1", "date": f"2026-12-{rng.randint(1, 28):02d}",
            "device": device, "needle_depth_mm": rng.choice([0.5, 0.75, 1.0, 1.5, 2.0, 2.5]),
            "areas": rng.sample(AREAS, rng.randint(1, 3)), "anesthetic": rng.choice(ANESTHETICS),
            "setting": "home" if device == "roller" and rng.random() < 0.5 else "clinic",
            "needle_material": "stainless_steel", "single_use_needles": rng.random() < 0.95}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lines", type=int)
    ap.add_argument("--seed", type=int, default=20261125)
    ap.add_argument("--pool", type=int, default=997, help="distinct records cycled (default 997)")
    ap.add_argument("--bad-every", type=int, default=0, help="every K-th line is bad (0: none)")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    pool = []
    for i in range(args.pool):
        body = json.dumps({"intake": make_intake(rng, i), "plan": make_plan(rng)},
                          separators=(",", ":"))
        pool.append(body[1:])  # without its '{': the id goes first
    bad = [
        lambda i, b: f'{{"id":"b{i}",{b}'[: len(b) // 2],                       # truncated JSON
        lambda i, b: f'{{"id":"b{i}",{b}'.replace('"sex":"', '"sex":"x', 1),    # unknown code
        lambda i, b: "",                                                         # blank line
        lambda i, b: f'{{"id":"b{i}","intake":{{}}}}',                           # no plan
    ]
    out = sys.stdout
    chunk = []
    for i in range(args.lines):
        body = pool[i % len(pool)]
        if args.bad_every and (i + 1) % args.bad_every == 0:
            chunk.append(bad[(i // args.bad_every) % len(bad)](i, body))
        else:
            chunk.append(f'{{"id":"b{i}",{body}')
        if len(chunk) == 10000:
            out.write("\n".join(chunk) + "\n")
            chunk = []
    if chunk:
        out.write("\n".join(chunk) + "\n")


if __name__ == "__main__":
    main()
