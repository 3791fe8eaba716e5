# Fails the configure step when include/smallest/atoms/version.hpp and project(VERSION)
# disagree: the header is written by hand (a copy of include/ must carry its version without
# CMake), so this check is what keeps the two in step.
function(atoms_check_version header)
  file(STRINGS "${header}" lines REGEX "^#define ATOMS_VERSION")
  foreach(part MAJOR MINOR PATCH)
    if(NOT lines MATCHES "#define ATOMS_VERSION_${part} ([0-9]+)")
      message(FATAL_ERROR "${header}: no ATOMS_VERSION_${part}")
    endif()
    set(${part} ${CMAKE_MATCH_1})
  endforeach()
  if(NOT lines MATCHES "#define ATOMS_VERSION ([0-9]+)")
    message(FATAL_ERROR "${header}: no ATOMS_VERSION")
  endif()
  set(number ${CMAKE_MATCH_1})
  if(NOT lines MATCHES "#define ATOMS_VERSION_STRING \"([^\"]*)\"")
    message(FATAL_ERROR "${header}: no ATOMS_VERSION_STRING")
  endif()
  set(string ${CMAKE_MATCH_1})
  math(EXPR expected "${PROJECT_VERSION_MAJOR} * 100000 + ${PROJECT_VERSION_MINOR} * 100 + ${PROJECT_VERSION_PATCH}")
  if(NOT "${MAJOR}.${MINOR}.${PATCH}" STREQUAL PROJECT_VERSION
     OR NOT number EQUAL expected
     OR NOT string STREQUAL PROJECT_VERSION)
    message(FATAL_ERROR
      "version.hpp says ${MAJOR}.${MINOR}.${PATCH} (ATOMS_VERSION ${number}, ATOMS_VERSION_STRING \"${string}\") "
      "but project(VERSION) says ${PROJECT_VERSION} (ATOMS_VERSION ${expected}): change both together")
  endif()
endfunction()
