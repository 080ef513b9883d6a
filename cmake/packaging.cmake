# The Debian package: `cpack -G DEB` in a build directory (or, from anywhere,
# `cpack --config <build>/CPackConfig.cmake -B <output dir>`) makes shm-tools_<version>_<arch>.deb
# out of the project's install rules, installed under /usr.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME shm-tools)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "shm-tools developers")
set(CPACK_PACKAGE_CONTACT "shm-tools developers <shm-tools@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION [=[
shm-create holds a named shared memory segment, shm-load copies a file or
standard input into it and shm-read writes its content to standard output,
binary-safe and checksummed. Loads never tear a read, a crashed loader loses
nothing, an orphaned segment is adopted with its content, every blocking step
has a timeout, and shm-read can wait for, follow and describe (as text or JSON)
what is published. The segments are Qt-compatible System V shared memory: a
Qt 6.4 program whose QSharedMemory has the same key meets the same segment and
lock. Includes libshmtools, the C++ library the tools are built on, with its
headers, CMake package (find_package ShmTools) and pkg-config file.]=])
# (No double quotes in the description: CPack turns them into ';'.)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
# dpkg-shlibdeps (Debian package dpkg-dev) computes the exact runtime dependencies from the
# binaries; without it, declare what the binaries are known to link.
find_program(SHM_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(SHM_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  # The tools link libshmtools, which this very package ships: dpkg-shlibdeps (run in the staging
  # directory) finds it there, and so depends on nothing for it.
  string(REGEX REPLACE "^/" "" shm_staged_prefix "${CPACK_PACKAGING_INSTALL_PREFIX}")
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${shm_staged_prefix}/${CMAKE_INSTALL_LIBDIR}")
else()
  message(STATUS "dpkg-shlibdeps not found (Debian package dpkg-dev): "
                 "the .deb declares its dependencies by hand")
  # Qt's runtime package was renamed for 64-bit time_t in trixie; either satisfies the binaries.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6core6t64 (>= 6.4) | libqt6core6 (>= 6.4), libc6, libstdc++6")
endif()

# One package carries the tools and the library with what it takes to build on it (headers, the
# CMake package, shmtools.pc). Debian's usual split (libshmtools1, libshmtools-dev, shm-tools)
# pays off when the library has users of its own who install it without the tools; until then one
# package keeps the tools and the library they are built on at the same version by construction.
# The shlibs file lets packages built on the library depend on it through dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")

# Debian policy wants man pages gzip'ed. Only the package gets them so: a plain
# `cmake --install` keeps them as they are, which man reads just as well.
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_CURRENT_LIST_DIR}/gzip_man_pages.cmake)

set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/")

include(CPack)
