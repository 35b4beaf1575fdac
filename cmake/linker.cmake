# SPDX-License-Identifier: Apache-2.0
# The linker of mnscreen's own build (not of its consumers: add_link_options is not exported).
# LLVM's lld (Debian package lld) links the test programs about three times faster than GNU ld:
# measured on the sanitizer build, 105 s of link time against 37 s for its 37 programs
# (docs/testing.md). Off, or when the compiler cannot use lld, the default linker is used.
option(MNSCREEN_USE_LLD "Link mnscreen's own programs and libraries with lld when available"
  ${PROJECT_IS_TOP_LEVEL})
if(MNSCREEN_USE_LLD)
  include(CheckLinkerFlag)
  check_linker_flag(CXX -fuse-ld=lld MNSCREEN_HAVE_LLD)
  if(MNSCREEN_HAVE_LLD)
    add_link_options(-fuse-ld=lld)
  else()
    message(STATUS "mnscreen: lld not found; linking with the default linker")
  endif()
endif()
