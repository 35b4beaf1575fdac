# SPDX-License-Identifier: Apache-2.0
# mnscreen_set_sanitizers(target): opt-in sanitizers for our own targets.
function(mnscreen_set_sanitizers target)
  if(MNSCREEN_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined
      -fno-sanitize-recover=all -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(MNSCREEN_SANITIZE_THREAD)
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
endfunction()
