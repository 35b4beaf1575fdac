# SPDX-License-Identifier: Apache-2.0
# Sources of src/batch (owned by that area): the streaming batch pipeline (include/mnscreen/
# batch.hpp). Its worker threads need the platform's thread library (the package config finds
# Threads for consumers of a static library).
list(APPEND MNSCREEN_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/envelope.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pipeline.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ndjson.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fhir_bulk.cpp)
