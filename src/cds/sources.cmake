# Sources of src/cds (owned by that area): CDS Hooks 2.0 requests, prefetch, cards, feedback
# (include/mnscreen/cds_hooks.hpp). No HTTP here: `mnscreen serve` brings it.
list(APPEND MNSCREEN_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/catalogue.cpp
  ${CMAKE_CURRENT_LIST_DIR}/request.cpp
  ${CMAKE_CURRENT_LIST_DIR}/prefetch.cpp
  ${CMAKE_CURRENT_LIST_DIR}/input.cpp
  ${CMAKE_CURRENT_LIST_DIR}/response.cpp
  ${CMAKE_CURRENT_LIST_DIR}/feedback.cpp)
