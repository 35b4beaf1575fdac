# Sources of src/json (owned by that area): the private JSON toolkit that every reader and
# writer uses (the parse handler, the escaper and the writer, JSON paths).
list(APPEND MNSCREEN_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/parse.cpp
  ${CMAKE_CURRENT_LIST_DIR}/text.cpp)
