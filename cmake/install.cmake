# `cmake --install`: the headers, the CMake package atoms-cpp (smallest::atoms, and
# smallest::atoms_compiled with ATOMS_SEPARATE_COMPILATION) and the pkg-config file atoms-cpp.pc.
include(CMakePackageConfigHelpers)

# A header-only install holds nothing that depends on the architecture, so its package files
# go under share/; a separately compiled one holds a library, so they go beside it.
if(ATOMS_SEPARATE_COMPILATION)
  set(atoms_package_root ${CMAKE_INSTALL_LIBDIR})
  set(atoms_arch_independent "")
  set(ATOMS_BOOST_COMPONENTS "")
else()
  set(atoms_package_root ${CMAKE_INSTALL_DATADIR})
  set(atoms_arch_independent ARCH_INDEPENDENT)
  set(ATOMS_BOOST_COMPONENTS " COMPONENTS json url")
endif()
set(atoms_cmake_dir ${atoms_package_root}/cmake/atoms-cpp)

install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS ${atoms_exported_targets} EXPORT atoms-cppTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT atoms-cppTargets NAMESPACE smallest:: DESTINATION ${atoms_cmake_dir})

configure_package_config_file(cmake/atoms-cppConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/atoms-cppConfig.cmake INSTALL_DESTINATION ${atoms_cmake_dir})
# 0.x: a new minor version may break the API (semantic versioning's rule for 0.y.z), so a
# request for 0.1 accepts 0.1.0, 0.1.1, … and refuses 0.2. From 1.0 on: SameMajorVersion.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/atoms-cppConfigVersion.cmake
  COMPATIBILITY SameMinorVersion ${atoms_arch_independent})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/atoms-cppConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/atoms-cppConfigVersion.cmake DESTINATION ${atoms_cmake_dir})

# pkg-config, for builds without CMake. Header-only users include <smallest/atoms/src.hpp> in
# one .cpp (it compiles what Debian ships of Boost.JSON and Boost.URL), so no Boost library is
# linked; a separately compiled install links its own library, which holds src.hpp. The C++
# standard is left to the user (-std=c++20 or later), as pkg-config packages do.
# The prefix is written at install time, so `cmake --install build --prefix DIR` is honoured;
# it is absolute (not ${pcfiledir}-relative) so that a system install gives -I/usr/include,
# which pkg-config then drops.
function(atoms_pc_path var dir)
  if(IS_ABSOLUTE "${dir}")
    set(${var} "${dir}" PARENT_SCOPE)
  else()
    set(${var} "\${prefix}/${dir}" PARENT_SCOPE)
  endif()
endfunction()
atoms_pc_path(ATOMS_PC_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR})
atoms_pc_path(ATOMS_PC_LIBDIR ${CMAKE_INSTALL_LIBDIR})
if(ATOMS_SEPARATE_COMPILATION)
  set(ATOMS_PC_CFLAGS " -DATOMS_SEPARATE_COMPILATION")
  set(ATOMS_PC_LIBS "-L\${libdir} -l${ATOMS_COMPILED_NAME} ")
else()
  set(ATOMS_PC_CFLAGS "")
  set(ATOMS_PC_LIBS "")
endif()
set(ATOMS_PC_PREFIX "@ATOMS_PC_PREFIX@")  # filled in at install time, below
configure_file(cmake/atoms-cpp.pc.in ${CMAKE_CURRENT_BINARY_DIR}/atoms-cpp.pc.in @ONLY)
install(CODE "
  set(ATOMS_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file(\"${CMAKE_CURRENT_BINARY_DIR}/atoms-cpp.pc.in\" \"${CMAKE_CURRENT_BINARY_DIR}/atoms-cpp.pc\" @ONLY)")
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/atoms-cpp.pc DESTINATION ${atoms_package_root}/pkgconfig)
