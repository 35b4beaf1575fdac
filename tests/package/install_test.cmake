# SPDX-License-Identifier: Apache-2.0
# Installs the built mnscreen into a fresh prefix and builds + runs the consumer against it.
file(REMOVE_RECURSE "${PREFIX}" "${CONSUMER_BIN}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
if(NOT EXISTS "${PREFIX}/lib/cmake/mnscreen/mnscreenConfig.cmake")
  message(FATAL_ERROR "mnscreenConfig.cmake was not installed")
endif()
# The C API: the versioned shared library, its SONAME link and its pkg-config file.
foreach(f lib/libmnscreen_c.so.0 lib/libmnscreen_c.so lib/pkgconfig/mnscreen-c.pc
          include/mnscreen/c.h)
  if(NOT EXISTS "${PREFIX}/${f}")
    message(FATAL_ERROR "${f} was not installed")
  endif()
endforeach()
execute_process(COMMAND ${CMAKE_CTEST_COMMAND} --build-and-test "${CONSUMER_SRC}" "${CONSUMER_BIN}"
                        --build-generator "${GENERATOR}"
                        --build-options "-DCMAKE_PREFIX_PATH=${PREFIX}"
                                        "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
                        --test-command ${CMAKE_CTEST_COMMAND} --output-on-failure
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "consumer against the installed package failed (${rc})")
endif()
