# Sources of src/io (owned by that area).
list(APPEND MNSCREEN_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/json_common.cpp
  ${CMAKE_CURRENT_LIST_DIR}/json_read.cpp
  ${CMAKE_CURRENT_LIST_DIR}/json_read_report.cpp
  ${CMAKE_CURRENT_LIST_DIR}/json_stream.cpp
  ${CMAKE_CURRENT_LIST_DIR}/json_write.cpp)
