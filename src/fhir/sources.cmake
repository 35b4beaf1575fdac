# Sources of src/fhir (owned by that area).
