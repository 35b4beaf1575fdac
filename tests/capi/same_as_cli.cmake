# SPDX-License-Identifier: Apache-2.0
# The C API's report is byte-identical to `mnscreen screen` on the same inputs. The inputs are
# copied to files named as the C API names its inputs ("intake", "plan", "fhir", "overlay"),
# so that warnings, whose messages start with the input's name, compare too.
# -DCLI=mnscreen -DCAPI=screen_file -DDATA=examples/data -DSHARED=../shared -DWORK=dir
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(cases 0)

function(compare label)
  execute_process(COMMAND ${CLI} ${ARGN} WORKING_DIRECTORY "${WORK}"
    OUTPUT_VARIABLE cli_out ERROR_VARIABLE cli_err RESULT_VARIABLE cli_rc)
  # The C program takes the same files, positionally.
  set(capi_args)
  set(fhir_mode OFF)
  if(EXISTS "${WORK}/fhir")
    set(capi_args --fhir fhir plan)
    if(EXISTS "${WORK}/overlay")
      list(APPEND capi_args overlay)
    endif()
  else()
    set(capi_args intake plan)
    if(EXISTS "${WORK}/policy")
      list(APPEND capi_args policy)
    endif()
  endif()
  execute_process(COMMAND ${CAPI} ${capi_args} WORKING_DIRECTORY "${WORK}"
    OUTPUT_VARIABLE capi_out ERROR_VARIABLE capi_err RESULT_VARIABLE capi_rc)
  if(NOT cli_rc EQUAL 0)
    message(FATAL_ERROR "${label}: mnscreen screen failed (${cli_rc}): ${cli_err}")
  endif()
  if(NOT capi_rc EQUAL 0)
    message(FATAL_ERROR "${label}: the C API failed (${capi_rc}): ${capi_err}")
  endif()
  if(NOT cli_out STREQUAL capi_out)
    file(WRITE "${WORK}/cli.out" "${cli_out}")
    file(WRITE "${WORK}/capi.out" "${capi_out}")
    message(FATAL_ERROR "${label}: reports differ: see ${WORK}/cli.out and capi.out")
  endif()
  string(LENGTH "${cli_out}" n)
  if(n LESS 200)
    message(FATAL_ERROR "${label}: report too short: ${cli_out}")
  endif()
  message(STATUS "${label}: same ${n} bytes")
endfunction()

function(reset)
  file(REMOVE "${WORK}/intake" "${WORK}/plan" "${WORK}/policy" "${WORK}/fhir" "${WORK}/overlay")
endfunction()

foreach(name healthy isotretinoin pacemaker incomplete bleeding-disorder cold-sores)
  foreach(plan plan-cheeks-pen plan-rf)
    reset()
    configure_file("${DATA}/intake-${name}.json" "${WORK}/intake" COPYONLY)
    configure_file("${DATA}/${plan}.json" "${WORK}/plan" COPYONLY)
    compare("${name} ${plan}" screen --intake intake --plan plan)
  endforeach()
endforeach()

# With warnings in both documents (unknown keys) and a clinic policy.
reset()
file(READ "${DATA}/intake-isotretinoin.json" text)
string(REGEX REPLACE "^{" "{\"favourite_colour\": \"blue\"," text "${text}")
file(WRITE "${WORK}/intake" "${text}")
file(READ "${DATA}/plan-cheeks-pen.json" text)
string(REGEX REPLACE "^{" "{\"room\": 4," text "${text}")
file(WRITE "${WORK}/plan" "${text}")
configure_file("${DATA}/policy-permissive-isotretinoin.json" "${WORK}/policy" COPYONLY)
compare("warnings + policy" screen --intake intake --plan plan --policy policy)

# FHIR records, with and without an overlay.
foreach(bundle 16b9a4bc 4dd15313 7ed502b9 79dabd54 70e00093)
  reset()
  configure_file("${SHARED}/fhir/bundles/synthea-r4-${bundle}.json" "${WORK}/fhir" COPYONLY)
  configure_file("${DATA}/plan-cheeks-pen.json" "${WORK}/plan" COPYONLY)
  compare("fhir ${bundle}" screen --fhir fhir --plan plan)
  file(WRITE "${WORK}/overlay"
    "{\"schema\": \"mnscreen.intake/1\", \"patient\": {\"fitzpatrick\": 4, \"smoker\": false}, \"negatives\": [\"keloid\"], \"x\": 1}")
  compare("fhir ${bundle} + overlay" screen --fhir fhir --plan plan --intake overlay)
endforeach()
