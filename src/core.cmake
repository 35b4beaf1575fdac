# Sources of src/ itself, by area (see src/CMakeLists.txt for the areas and their order).
# base: the vocabulary, dates, diagnostics, the policy table and reading the record.
set(MNSCREEN_BASE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/vocabulary.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dates.cpp
  ${CMAKE_CURRENT_LIST_DIR}/diagnostic.cpp
  ${CMAKE_CURRENT_LIST_DIR}/facts.cpp
  ${CMAKE_CURRENT_LIST_DIR}/facts_trace.cpp
  ${CMAKE_CURRENT_LIST_DIR}/policy.cpp)
# rules (with src/rules): the range checks, which know the rule ids an override may name.
set(MNSCREEN_VALIDATE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/validate.cpp)
# screen: the screener and the report's text and HTML forms.
set(MNSCREEN_SCREEN_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/report_text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/html.cpp
  ${CMAKE_CURRENT_LIST_DIR}/screener.cpp)
