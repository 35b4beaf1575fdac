# SPDX-License-Identifier: Apache-2.0
# Sources of src/batch (owned by that area): the streaming batch pipeline (include/mnscreen/
# batch.hpp). Worker threads need the platform's thread library when building; consumers of an
# installed static library on glibc >= 2.34 need nothing more, like Eigen (build-only).
find_package(Threads REQUIRED)
target_link_libraries(mnscreen PRIVATE $<BUILD_INTERFACE:Threads::Threads>)
list(APPEND MNSCREEN_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/envelope.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pipeline.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ndjson.cpp
  ${CMAKE_CURRENT_LIST_DIR}/fhir_bulk.cpp)
