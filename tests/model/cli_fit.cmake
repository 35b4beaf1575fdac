# SPDX-License-Identifier: Apache-2.0
# End-to-end test of `mnscreen simulate`, `mnscreen fit` and `mnscreen screen --model`:
#   cmake -DMNSCREEN=<tool> -DDATA=<examples/data> -DWORK=<scratch dir> -P cli_fit.cmake
# Checks exit codes and outputs at each step; stops at the first failure with a message.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")

function(run expected_exit)
  execute_process(COMMAND "${MNSCREEN}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc STREQUAL expected_exit)
    message(FATAL_ERROR "mnscreen ${ARGN}: exit ${rc}, expected ${expected_exit}\n"
                        "stdout:\n${out}\nstderr:\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect text pattern what)
  if(NOT text MATCHES "${pattern}")
    message(FATAL_ERROR "${what}: no match for '${pattern}' in:\n${text}")
  endif()
endfunction()

# simulate: deterministic for a seed.
run(0 simulate --n 2500 --seed 3 --out "${WORK}/a.jsonl")
run(0 simulate --n 2500 --seed 3)
file(READ "${WORK}/a.jsonl" a)
if(NOT a STREQUAL out)
  message(FATAL_ERROR "simulate: --out and stdout differ for the same seed")
endif()
expect("${a}" "^\\{\"schema\":\"mnscreen.outcome/1\"" "simulate output")

# fit: two bad lines are reported with their numbers and skipped; the rest are used.
file(APPEND "${WORK}/a.jsonl" "{\"schema\":\"mnscreen.outcome/1\",\"intake\":{}}\nnot json\n")
run(0 fit --outcomes "${WORK}/a.jsonl" --out "${WORK}/model.json" --report "${WORK}/fit.html"
    --folds 3 --name e2e --fitted-on 2026-11-25)
expect("${out}" "2500 lines used, 2 skipped" "fit summary")
expect("${out}" "e2e \\(fitted 2026-11-25 on 2500 records\\)" "fit summary")
expect("${err}" "a.jsonl:2501: " "fit: bad line 2501")
expect("${err}" "a.jsonl:2502: not valid JSON" "fit: bad line 2502")
file(READ "${WORK}/fit.html" html)
expect("${html}" "<svg" "fit report")

# screen --model: the report names the model.
run(0 screen --intake "${DATA}/intake-healthy.json" --plan "${DATA}/plan-cheeks-pen.json"
    --model "${WORK}/model.json")
expect("${out}" "\"model\":\"e2e \\(fitted 2026-11-25 on 2500 records\\)\"" "screen --model")

# A model for other features is rejected, naming the difference.
file(READ "${WORK}/model.json" model)
string(REPLACE "\"smoker\"" "\"vaper\"" other "${model}")
file(WRITE "${WORK}/other.json" "${other}")
run(2 screen --intake "${DATA}/intake-healthy.json" --plan "${DATA}/plan-cheeks-pen.json"
    --model "${WORK}/other.json")
expect("${err}" "other.json: \\$.features: .*missing: smoker" "mismatched model")

# Usage errors and an outcome file with no usable line.
run(2 fit --outcomes "${WORK}/a.jsonl")
file(WRITE "${WORK}/empty.jsonl" "\n")
run(2 fit --outcomes "${WORK}/empty.jsonl" --out "${WORK}/x.json")
run(2 simulate)
