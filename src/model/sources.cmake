# Sources of src/model (owned by that area).
