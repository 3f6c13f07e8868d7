# H2ManPages.cmake — builds the man pages (docs/man/*.scd, scdoc sources) into
# roff at build time and installs them to share/man/man1 (component `cli`, so
# they are in the Debian package). scdoc: small, one C file, packaged by Debian
# (package `scdoc`) and made for exactly this. Without scdoc the pages are
# skipped with a message; the rest of the build is unaffected.
include(GNUInstallDirs)

function(h2_add_man_pages)
  find_program(H2_SCDOC scdoc)
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/man/*.scd)
  if(NOT H2_SCDOC)
    message(STATUS "scdoc not found: man pages are not built (apt-get install scdoc)")
    return()
  endif()
  set(pages "")
  foreach(src ${sources})
    get_filename_component(page ${src} NAME_WLE)   # h2scope-read.1
    string(REGEX MATCH "[0-9]$" section ${page})
    set(out ${CMAKE_BINARY_DIR}/man/man${section}/${page})
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man/man${section}
      COMMAND ${H2_SCDOC} < ${src} > ${out}
      DEPENDS ${src} VERBATIM COMMENT "scdoc ${page}")
    list(APPEND pages ${out})
    install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section} COMPONENT cli)
  endforeach()
  add_custom_target(h2scope_man ALL DEPENDS ${pages})
endfunction()
