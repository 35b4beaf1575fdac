# Sources of src/fhir (owned by that area).
# The FHIR reader's terminology tables are embedded at build time (see embed_tables.cmake and
# docs/terminology.md): an installed library needs no data path.
set(MNSCREEN_FHIR_TABLES
  ${PROJECT_SOURCE_DIR}/data/terminology/rxnorm.csv
  ${PROJECT_SOURCE_DIR}/data/terminology/rxnorm_products.csv
  ${PROJECT_SOURCE_DIR}/data/terminology/atc.csv
  ${PROJECT_SOURCE_DIR}/data/terminology/snomed.csv
  ${PROJECT_SOURCE_DIR}/data/terminology/icd10cm.csv
  ${PROJECT_SOURCE_DIR}/data/terminology/loinc.csv
  ${PROJECT_SOURCE_DIR}/data/terminology/cpt.csv
  ${PROJECT_SOURCE_DIR}/data/terminology/hcpcs.csv
  ${PROJECT_SOURCE_DIR}/data/terminology/names.csv
  ${PROJECT_SOURCE_DIR}/data/terminology/units.csv)
string(REPLACE ";" "|" _mnscreen_fhir_tables_arg "${MNSCREEN_FHIR_TABLES}")
set(_mnscreen_fhir_generated ${CMAKE_CURRENT_BINARY_DIR}/fhir/terminology_data.cpp)
add_custom_command(
  OUTPUT ${_mnscreen_fhir_generated}
  COMMAND ${CMAKE_COMMAND} "-DINPUTS=${_mnscreen_fhir_tables_arg}"
          "-DOUTPUT=${_mnscreen_fhir_generated}" -P ${CMAKE_CURRENT_LIST_DIR}/embed_tables.cmake
  DEPENDS ${MNSCREEN_FHIR_TABLES} ${CMAKE_CURRENT_LIST_DIR}/embed_tables.cmake
  COMMENT "Embedding the FHIR terminology tables"
  VERBATIM)
list(APPEND MNSCREEN_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/terminology.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reader.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reader_resources.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reader_fields.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reader_conditions.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reader_medications.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reader_observations.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bulk.cpp
  ${CMAKE_CURRENT_LIST_DIR}/merge.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fhir_json.cpp
  ${_mnscreen_fhir_generated})
