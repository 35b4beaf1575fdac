#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Makes small FHIR seeds for fuzz_fhir from the shared third-party Synthea bundles.

The bundles may not be copied into the project, and at 0.4-3 MB each they are too large to
mutate quickly, so at run time this takes a few bundles and writes, per bundle, one small
Bundle (the Patient plus a few resources of each type the reader maps) and a few single
resources, each a few KB.

usage: make_fhir_seeds.py BUNDLE_DIR OUT_DIR [BUNDLE_NAME...]   (default: the first three)
"""
import json
import os
import sys

TYPES = ("Condition", "MedicationRequest", "MedicationStatement", "AllergyIntolerance",
         "Observation", "Procedure", "Device", "DeviceUseStatement", "Medication")
MAX_RESOURCE_BYTES = 3000
PER_TYPE = 3


def small(resource):
    return len(json.dumps(resource)) <= MAX_RESOURCE_BYTES


def main():
    bundle_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    available = sorted(n for n in os.listdir(bundle_dir) if n.endswith(".json"))
    wanted = [n if n.endswith(".json") else n + ".json" for n in sys.argv[3:]]
    names = [n for n in wanted if n in available] or available[:3]
    written = 0
    for name in names:
        with open(os.path.join(bundle_dir, name), encoding="utf-8") as f:
            bundle = json.load(f)
        entries = bundle.get("entry", [])
        kept, singles, per_type = [], [], {}
        for e in entries:
            r = e.get("resource", {})
            t = r.get("resourceType")
            if t == "Patient":
                # Synthea patients carry long extension lists; the reader needs none of them.
                r = {k: v for k, v in r.items() if k not in ("extension", "text")}
                kept.insert(0, dict(e, resource=r))
            elif t in TYPES and small(r) and per_type.get(t, 0) < PER_TYPE:
                per_type[t] = per_type.get(t, 0) + 1
                kept.append(e)
                if per_type[t] == 1:
                    singles.append(r)
        stem = os.path.splitext(name)[0]
        mini = {"resourceType": "Bundle", "type": bundle.get("type", "collection"), "entry": kept}
        with open(os.path.join(out_dir, stem + "-mini.json"), "w", encoding="utf-8") as f:
            json.dump(mini, f)
        written += 1
        for i, r in enumerate(singles):
            with open(os.path.join(out_dir, "%s-%d-%s.json" % (stem, i, r["resourceType"])), "w",
                      encoding="utf-8") as f:
                json.dump(r, f)
            written += 1
    print("make_fhir_seeds: %d seeds from %d bundles in %s" % (written, len(names), out_dir))


if __name__ == "__main__":
    main()
