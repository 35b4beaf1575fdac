# SPDX-License-Identifier: Apache-2.0
# Install and export rules: find_package(mnscreen CONFIG) and pkg-config for clinic software.
include(CMakePackageConfigHelpers)

set(MNSCREEN_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/mnscreen")

install(TARGETS mnscreen EXPORT mnscreenTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The C API: libmnscreen_c.so.0 (SONAME) with its development symlink; target mnscreen::c.
if(TARGET mnscreen_c)
  install(TARGETS mnscreen_c EXPORT mnscreenTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Development
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY "${PROJECT_BINARY_DIR}/include/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT mnscreenTargets NAMESPACE mnscreen:: DESTINATION ${MNSCREEN_CMAKE_DIR})
export(EXPORT mnscreenTargets NAMESPACE mnscreen::
  FILE "${PROJECT_BINARY_DIR}/mnscreenTargets.cmake")

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/mnscreenConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/mnscreenConfig.cmake"
  INSTALL_DESTINATION ${MNSCREEN_CMAKE_DIR})
write_basic_package_version_file("${PROJECT_BINARY_DIR}/mnscreenConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/mnscreenConfig.cmake"
  "${PROJECT_BINARY_DIR}/mnscreenConfigVersion.cmake" DESTINATION ${MNSCREEN_CMAKE_DIR})

configure_file("${PROJECT_SOURCE_DIR}/cmake/mnscreen.pc.in" "${PROJECT_BINARY_DIR}/mnscreen.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/mnscreen.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(TARGET mnscreen_c)
  configure_file("${PROJECT_SOURCE_DIR}/cmake/mnscreen-c.pc.in"
    "${PROJECT_BINARY_DIR}/mnscreen-c.pc" @ONLY)
  install(FILES "${PROJECT_BINARY_DIR}/mnscreen-c.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()

if(MNSCREEN_BUILD_TOOLS)
  install(TARGETS mnscreen_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY "${PROJECT_SOURCE_DIR}/data/" DESTINATION ${CMAKE_INSTALL_DATADIR}/mnscreen
  OPTIONAL)
