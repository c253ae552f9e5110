# Install rules (issue #6 item 7; CONVENTIONS §3.3), included at the end of CMakeLists.txt.
#
#   cmake --install build/default --prefix PREFIX   puts
#     PREFIX/bin/platsweep                                the CLI
#     PREFIX/<libdir>/libplatsweep_core.a                 the library (static)
#     PREFIX/include/platsweep/*.h                        public headers, version.h included
#     PREFIX/<libdir>/cmake/platsweep/                    find_package(platsweep): target
#                                                         platsweep::platsweep (alias platsweep::core)
#     PREFIX/<libdir>/pkgconfig/platsweep.pc              pkg-config --static platsweep
#
# Both the CMake package and platsweep.pc are relocatable: they find the prefix from their own
# location, so the tree may be installed with --prefix (or moved) after configuring.
# The dependencies are not bundled: platsweepConfig.cmake finds them again (find_dependency,
# pkg_check_modules), platsweep.pc names them (Requires.private for the pkg-config ones, the
# very libraries the build linked for HDF5, MPI, GSL, zlib).
# Test: cli.install (tests/install/install.sh) installs this build and builds
# tests/install/consumer.c against it both ways.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(PSW_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/platsweep" CACHE STRING
    "Where platsweepConfig.cmake is installed (relative to the prefix)")
mark_as_advanced(PSW_INSTALL_CMAKEDIR)

# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------
# Consumers link platsweep::platsweep; the in-tree alias platsweep::core is recreated by the
# package config for code that moves between the two.
set_target_properties(platsweep_core PROPERTIES EXPORT_NAME platsweep)

# A sanitizer build's archive needs the ASan/UBSan runtimes at link time: its consumers get the
# link options with it (the in-tree targets already have them, PRIVATE, from psw_target_setup).
if(PSW_ENABLE_SANITIZERS AND PSW_LINK_OPTIONS)
  target_link_options(platsweep_core INTERFACE "$<INSTALL_INTERFACE:${PSW_LINK_OPTIONS}>")
endif()

install(TARGETS platsweep_core EXPORT platsweepTargets
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT platsweep_Development
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

if(TARGET platsweep)
  # Keep the run-time paths of libraries found outside the system directories (an HDF5 or MPI
  # from `module load`), so that the installed binary runs without the modules loaded.
  set_target_properties(platsweep PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
  install(TARGETS platsweep
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT platsweep_Runtime)
endif()

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/platsweep"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT platsweep_Development
  FILES_MATCHING PATTERN "*.h")
install(FILES "${PSW_GENERATED_DIR}/platsweep/version.h"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/platsweep" COMPONENT platsweep_Development)

# ---------------------------------------------------------------------------------------------
# CMake package: platsweepTargets.cmake, platsweepConfig.cmake, platsweepConfigVersion.cmake
# ---------------------------------------------------------------------------------------------
install(EXPORT platsweepTargets
  NAMESPACE platsweep::
  DESTINATION "${PSW_INSTALL_CMAKEDIR}" COMPONENT platsweep_Development)

set(PSW_CONFIG_WITH_OPENMP ${PSW_ENABLE_OPENMP})
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/platsweepConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/cmake/platsweepConfig.cmake"
  INSTALL_DESTINATION "${PSW_INSTALL_CMAKEDIR}")
# 0.x: a minor release may change the API, so only the same MAJOR.MINOR is compatible.
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/cmake/platsweepConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion)
install(FILES
    "${PROJECT_BINARY_DIR}/cmake/platsweepConfig.cmake"
    "${PROJECT_BINARY_DIR}/cmake/platsweepConfigVersion.cmake"
  DESTINATION "${PSW_INSTALL_CMAKEDIR}" COMPONENT platsweep_Development)

# ---------------------------------------------------------------------------------------------
# platsweep.pc
# ---------------------------------------------------------------------------------------------
# psw_pc_libs(<out> items...): link items as pkg-config words (full paths and -flags kept,
# bare names become -lname, CMake keywords dropped).
function(psw_pc_libs out)
  set(_words)
  foreach(_l IN LISTS ARGN)
    if(_l STREQUAL "" OR _l MATCHES "^(debug|optimized|general)$" OR TARGET "${_l}")
      continue()
    elseif(IS_ABSOLUTE "${_l}" OR _l MATCHES "^-")
      list(APPEND _words "${_l}")
    else()
      list(APPEND _words "-l${_l}")
    endif()
  endforeach()
  set(${out} ${_words} PARENT_SCOPE)
endfunction()

# Libs.private: what a static link of libplatsweep_core.a needs besides the Requires.private
# modules, in link order. HDF5 and MPI come from the same find modules as the build's (on
# Debian, hdf5-openmpi.pc has no hdf5_hl and the MPI .pc names differ between MPIs).
set(_psw_pc_libs)
if(PSW_ENABLE_SANITIZERS)
  list(APPEND _psw_pc_libs ${PSW_LINK_OPTIONS})
endif()
if(PSW_ENABLE_OPENMP)
  separate_arguments(_psw_omp UNIX_COMMAND "${OpenMP_C_FLAGS}")
  list(APPEND _psw_pc_libs ${_psw_omp})
endif()
psw_pc_libs(_psw_l ${HDF5_HL_LIBRARIES} ${HDF5_C_LIBRARIES} ${MPI_C_LIBRARIES}
            ${ZLIB_LIBRARIES} ${GSL_LIBRARIES} m)
list(APPEND _psw_pc_libs ${_psw_l})
if(MPI_C_LINK_FLAGS)
  separate_arguments(_psw_mpil UNIX_COMMAND "${MPI_C_LINK_FLAGS}")
  list(APPEND _psw_pc_libs ${_psw_mpil})
endif()
list(REMOVE_DUPLICATES _psw_pc_libs)
list(JOIN _psw_pc_libs " " PSW_PC_LIBS_PRIVATE)

# Cflags: the public headers include <mpi.h>.
set(_psw_pc_cflags)
foreach(_d IN LISTS MPI_C_INCLUDE_DIRS)
  list(APPEND _psw_pc_cflags "-I${_d}")
endforeach()
foreach(_d IN LISTS MPI_C_COMPILE_DEFINITIONS)
  list(APPEND _psw_pc_cflags "-D${_d}")
endforeach()
list(APPEND _psw_pc_cflags ${MPI_C_COMPILE_OPTIONS})
if(PSW_ENABLE_CHECKS)
  list(APPEND _psw_pc_cflags -DPSW_ENABLE_CHECKS=1)   # PUBLIC on platsweep_core
endif()
list(REMOVE_DUPLICATES _psw_pc_cflags)
list(JOIN _psw_pc_cflags " " PSW_PC_CFLAGS)

# prefix from the .pc file's own directory (relocatable), unless the dirs are absolute.
set(_psw_pc_dir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(PSW_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _psw_up "/__prefix__/${_psw_pc_dir}" "/__prefix__")
  string(REGEX REPLACE "/$" "" _psw_up "${_psw_up}")
  set(PSW_PC_PREFIX "\${pcfiledir}/${_psw_up}")
endif()
foreach(_d LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_d}}")
    set(PSW_PC_${_d} "${CMAKE_INSTALL_${_d}}")
  else()
    set(PSW_PC_${_d} "\${prefix}/${CMAKE_INSTALL_${_d}}")
  endif()
endforeach()
configure_file("${PROJECT_SOURCE_DIR}/cmake/platsweep.pc.in"
               "${PROJECT_BINARY_DIR}/cmake/platsweep.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/cmake/platsweep.pc"
  DESTINATION "${_psw_pc_dir}" COMPONENT platsweep_Development)

# ---------------------------------------------------------------------------------------------
# Test cli.install: install this build into a scratch prefix, run the binary, build
# tests/install/consumer.c with find_package(platsweep) and with pkg-config --static.
# ---------------------------------------------------------------------------------------------
# (PSW_BUILD_TESTS: not an option of CMakeLists.txt yet; the Spack recipe sets it OFF.)
if(TARGET platsweep AND (NOT DEFINED PSW_BUILD_TESTS OR PSW_BUILD_TESTS)
   AND EXISTS "${PROJECT_SOURCE_DIR}/tests/install/install.sh")
  set(_psw_wd "${PROJECT_BINARY_DIR}/tests/install")
  file(MAKE_DIRECTORY "${_psw_wd}")
  add_test(NAME cli.install COMMAND bash "${PROJECT_SOURCE_DIR}/tests/install/install.sh"
           WORKING_DIRECTORY "${_psw_wd}")
  set_tests_properties(cli.install PROPERTIES
    TIMEOUT ${PSW_TEST_TIMEOUT}
    LABELS cli
    ENVIRONMENT "SRCDIR=${PROJECT_SOURCE_DIR};BUILDDIR=${PROJECT_BINARY_DIR};CMAKE=${CMAKE_COMMAND};CC=${CMAKE_C_COMPILER};PKG_CONFIG=${PKG_CONFIG_EXECUTABLE};PSW_INSTALL_LIBDIR=${CMAKE_INSTALL_LIBDIR};PSW_BUILD_TYPE=${CMAKE_BUILD_TYPE};PSW_VERSION=${PROJECT_VERSION}")
endif()
