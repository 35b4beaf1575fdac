# SPDX-License-Identifier: Apache-2.0
# mnscreen_set_warnings(target): the project's warning set, PRIVATE to our own targets only.
function(mnscreen_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
      -Woverloaded-virtual -Wconversion -Wsign-conversion -Wdouble-promotion
      -Wformat=2 -Wimplicit-fallthrough
      # -Wnull-dereference is left out: with optimisation GCC 12 reports false positives inside
      # libstdc++ and Boost.Program_options code inlined into ours.
      # Our aggregates are meant to be built with designated initializers that leave optional
      # members at their defaults; GCC 12 warns about every such omission.
      -Wno-missing-field-initializers)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      # -Wno-restrict: GCC 12 reports false positives for std::string concatenation at -O3
      # (GCC bug 105329), which would break Release builds with warnings as errors.
      target_compile_options(${target} PRIVATE -Wmisleading-indentation -Wduplicated-cond
        -Wduplicated-branches -Wlogical-op -Wno-restrict)
    endif()
    if(MNSCREEN_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
