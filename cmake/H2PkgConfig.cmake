# H2PkgConfig.cmake — h2_configure_pkg_config(IN OUT): configures a pkg-config
# file whose @H2_PC_PREFIX@ finds the prefix relative to the installed file
# itself (${pcfiledir}), so an installed tree works wherever it lands
# (`cmake --install --prefix`, DESTDIR, the Debian package). The number of
# `..` follows CMAKE_INSTALL_LIBDIR: `lib` gives ${pcfiledir}/../.., Debian's
# multiarch `lib/x86_64-linux-gnu` gives ${pcfiledir}/../../.. .
include(GNUInstallDirs)

function(h2_configure_pkg_config in out)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
    set(H2_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  else()
    file(RELATIVE_PATH rel "/p/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/p")
    string(REGEX REPLACE "/$" "" rel "${rel}")
    set(H2_PC_PREFIX "\${pcfiledir}/${rel}")
  endif()
  configure_file(${in} ${out} @ONLY)
endfunction()
