# SPDX-License-Identifier: Apache-2.0
# Fails when a generated document in docs/ differs from what the tool prints now, so the rule
# catalogue and policy docs cannot drift from the code.
#   cmake -DEXE=mnscreen -DARGS=rules|--format|md -DDOC=docs/rules.md -P docs_in_sync.cmake
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND "${EXE}" ${args} OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} ${ARGS} exited with ${rc}")
endif()
file(READ "${DOC}" committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "${DOC} is out of date: regenerate it with `mnscreen ${ARGS}` "
                      "(replace | by spaces) and commit the result")
endif()
