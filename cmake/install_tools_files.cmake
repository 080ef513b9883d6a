# SPDX-License-Identifier: BSD-3-Clause
# Install rules for what the tools come with besides the programs: man pages, shell completions
# and the documentation, all in the component "tools" (the Debian package shm-tools).

install(FILES man/shm-create.1 man/shm-load.1 man/shm-read.1
        DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT tools)
# The README links to docs/ and examples/ by relative paths: installed in the same layout, its
# links resolve in the installed copy too.
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT tools)
install(FILES docs/guide.md docs/design.md docs/benchmarks.md docs/fresh-machines.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs COMPONENT tools)
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples COMPONENT tools)

# bash loads a command's completion from a file named after the command: one script completes all
# three tools, installed under shm-create with links for the other two.
set(shm_bash_dir ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
install(FILES completion/shm-tools.bash DESTINATION ${shm_bash_dir} RENAME shm-create COMPONENT tools)
install(CODE "foreach(tool shm-load shm-read)
  file(CREATE_LINK shm-create \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${shm_bash_dir}/\${tool}\" SYMBOLIC)
endforeach()" COMPONENT tools)
# zsh reads every file of its $fpath whose name starts with '_' and whose "#compdef" line names the
# commands; Debian's zsh has vendor-completions there (upstream zsh: site-functions).
if(EXISTS ${PROJECT_SOURCE_DIR}/completion/_shm-tools)
  install(FILES completion/_shm-tools DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions
          COMPONENT tools)
endif()
# fish loads a command's completions from a file named after it: one copy per tool, each of which
# completes its own command (completion/shm-tools.fish says how).
if(EXISTS ${PROJECT_SOURCE_DIR}/completion/shm-tools.fish)
  foreach(tool shm-create shm-load shm-read)
    install(FILES completion/shm-tools.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d
            RENAME ${tool}.fish COMPONENT tools)
  endforeach()
endif()
