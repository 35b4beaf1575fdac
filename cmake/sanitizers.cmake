# SPDX-License-Identifier: Apache-2.0
# mnscreen_set_sanitizers(target): opt-in sanitizers for our own targets. A sanitized library
# needs the sanitizer runtime wherever it is linked, so for libraries the link option is PUBLIC:
# its consumers (the package tests' consumer projects too, through the exported target) get it.
function(mnscreen_set_sanitizers target)
  get_target_property(type ${target} TYPE)
  set(link_scope PRIVATE)
  if(type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "SHARED_LIBRARY")
    set(link_scope PUBLIC)
  endif()
  if(MNSCREEN_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined
      -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} ${link_scope} -fsanitize=address,undefined)
  endif()
  if(MNSCREEN_SANITIZE_THREAD)
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer)
    target_link_options(${target} ${link_scope} -fsanitize=thread)
  endif()
endfunction()
