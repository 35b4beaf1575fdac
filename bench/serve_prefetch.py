#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Writes a realistic patient-view request for the load benchmark (bench/serve_load.sh): one
# patient with ~50 prefetched resources (conditions, medication requests and statements,
# allergies, lab observations, procedures, a device), all synthetic.
import json, sys

pid = "bench-patient-1"
ref = {"reference": f"Patient/{pid}"}
def bundle(resources):
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "entry": [{"fullUrl": f"https://fhir.example/r4/{r['resourceType']}/{r['id']}",
                       "resource": r, "search": {"mode": "match"}} for r in resources]}

conditions = []
for i, (code, text) in enumerate([("38341003", "Hypertension"), ("44054006", "Type 2 diabetes"),
        ("195967001", "Asthma"), ("24079001", "Atopic dermatitis"), ("55822004", "Hyperlipidaemia"),
        ("35489007", "Depression"), ("230690007", "Migraine"), ("40930008", "Hypothyroidism"),
        ("69896004", "Rheumatoid arthritis"), ("11840006", "Acne vulgaris")]):
    conditions.append({"resourceType": "Condition", "id": f"c{i}", "subject": ref,
        "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "resolved" if i % 3 == 0 else "active"}]},
        "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": code, "display": text}], "text": text},
        "onsetDateTime": f"20{10 + i}-03-01"})
meds = [("197361", "amlodipine 5 MG Oral Tablet"), ("860975", "metformin 500 MG Oral Tablet"),
        ("745679", "albuterol inhaler"), ("617314", "atorvastatin 10 MG Oral Tablet"),
        ("312938", "sertraline 50 MG Oral Tablet"), ("966222", "levothyroxine 50 MCG Oral Tablet"),
        ("105585", "methotrexate 2.5 MG Oral Tablet"), ("310965", "ibuprofen 200 MG Oral Tablet"),
        ("313782", "acetaminophen 325 MG Oral Tablet"), ("308136", "amoxicillin 500 MG Oral Capsule")]
med_requests = [{"resourceType": "MedicationRequest", "id": f"mr{i}", "subject": ref,
    "status": "active" if i % 4 else "stopped", "intent": "order", "authoredOn": "2026-06-01",
    "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": c, "display": t}], "text": t}}
    for i, (c, t) in enumerate(meds)]
med_statements = [{"resourceType": "MedicationStatement", "id": f"ms{i}", "subject": ref,
    "status": "completed", "effectivePeriod": {"start": "2025-01-01", "end": "2025-06-01"},
    "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": c, "display": t}], "text": t}}
    for i, (c, t) in enumerate(meds[:5])]
allergies = [{"resourceType": "AllergyIntolerance", "id": f"a{i}", "patient": ref,
    "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "code": "active"}]},
    "code": {"coding": [{"system": "http://snomed.info/sct", "code": c, "display": t}], "text": t}}
    for i, (c, t) in enumerate([("111088007", "Latex"), ("91936005", "Penicillin"), ("300913006", "Shellfish"),
                                ("387207008", "Ibuprofen"), ("256259004", "Pollen")])]
labs = [("4548-4", "Hemoglobin A1c", 6.1, "%"), ("2345-7", "Glucose", 98, "mg/dL"),
        ("718-7", "Hemoglobin", 13.5, "g/dL"), ("777-3", "Platelets", 250, "10*3/uL"),
        ("6301-6", "INR", 1.0, "{INR}"), ("2160-0", "Creatinine", 0.9, "mg/dL"),
        ("2093-3", "Cholesterol", 190, "mg/dL"), ("8480-6", "Systolic blood pressure", 128, "mm[Hg]"),
        ("8462-4", "Diastolic blood pressure", 82, "mm[Hg]"), ("39156-5", "BMI", 24.1, "kg/m2"),
        ("29463-7", "Body weight", 64, "kg"), ("8302-2", "Body height", 165, "cm"),
        ("3016-3", "TSH", 2.1, "m[IU]/L"), ("6690-2", "WBC", 6.2, "10*3/uL"), ("2823-3", "Potassium", 4.1, "mmol/L")]
observations = [{"resourceType": "Observation", "id": f"o{i}", "subject": ref, "status": "final",
    "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
    "code": {"coding": [{"system": "http://loinc.org", "code": c, "display": t}], "text": t},
    "effectiveDateTime": "2026-11-01", "valueQuantity": {"value": v, "unit": u, "system": "http://unitsofmeasure.org", "code": u}}
    for i, (c, t, v, u) in enumerate(labs)]
procedures = [{"resourceType": "Procedure", "id": f"p{i}", "subject": ref, "status": "completed",
    "code": {"coding": [{"system": "http://snomed.info/sct", "code": c, "display": t}], "text": t},
    "performedDateTime": d} for i, (c, t, d) in enumerate([("80146002", "Appendectomy", "2012-05-01"),
        ("73761001", "Colonoscopy", "2024-02-01"), ("120053002", "Excision of skin lesion", "2023-09-01")])]
devices = [{"resourceType": "Device", "id": "d0", "patient": ref, "status": "active",
    "type": {"coding": [{"system": "http://snomed.info/sct", "code": "14106009", "display": "Cardiac pacemaker"}], "text": "Cardiac pacemaker"}}]
patient = {"resourceType": "Patient", "id": pid, "gender": "female", "birthDate": "1988-04-12"}
request = {"hook": "patient-view", "hookInstance": "0f0e6d8a-56c2-4f2a-9bb7-4b9d3f5ab001",
    "fhirServer": "https://fhir.example/r4",
    "context": {"userId": "Practitioner/1", "patientId": pid},
    "prefetch": {"patient": patient, "conditions": bundle(conditions),
        "medicationRequests": bundle(med_requests), "medicationStatements": bundle(med_statements),
        "allergies": bundle(allergies), "observations": bundle(observations),
        "procedures": bundle(procedures), "devices": bundle(devices)}}
n = 1 + sum(len(x) for x in [conditions, med_requests, med_statements, allergies, observations, procedures, devices])
json.dump(request, sys.stdout)
print(f"{n} resources", file=sys.stderr)
