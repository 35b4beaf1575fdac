# Sources of src/model (owned by that area).
list(APPEND MNSCREEN_SOURCES ${CMAKE_CURRENT_LIST_DIR}/features.cpp)
list(APPEND MNSCREEN_SOURCES ${CMAKE_CURRENT_LIST_DIR}/prior.cpp)
list(APPEND MNSCREEN_SOURCES ${CMAKE_CURRENT_LIST_DIR}/risk_model.cpp)
