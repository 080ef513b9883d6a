# Run by CPack (CPACK_PRE_BUILD_SCRIPTS) on the staged installation, before it builds the
# package: compresses every man page in it with `gzip -9n`, as Debian policy asks (-n leaves
# the name and time stamp out, so that the package is reproducible).

find_program(SHM_GZIP gzip REQUIRED)
file(GLOB_RECURSE pages LIST_DIRECTORIES false
     "${CPACK_TEMPORARY_DIRECTORY}/*/share/man/man[1-9]/*.[1-9]")
if(NOT pages)
  message(FATAL_ERROR "no man pages to compress under ${CPACK_TEMPORARY_DIRECTORY}")
endif()
foreach(page IN LISTS pages)
  execute_process(COMMAND ${SHM_GZIP} -9nf ${page} RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "gzip ${page} failed: ${status}")
  endif()
endforeach()
