# elf_hardening.sh — check_hardening BINARY [fortify]: the hardening of the
# top-level CMakeLists.txt is in an ELF file (sourced by test_hardening.sh
# and test_deb_package.sh, not a test itself). Prints what is missing and
# returns 1 then. "fortify" also asks for glibc's checked functions
# (__*_chk), which only optimized builds use.
check_hardening() {
  local bin=$1 missing=() dyn syms
  readelf -h "$bin" | grep -Eq 'Type:[[:space:]]+DYN' || missing+=("PIE (ELF type DYN)")
  readelf -lW "$bin" | grep 'GNU_RELRO' >/dev/null || missing+=("RELRO (GNU_RELRO segment)")
  dyn=$(readelf -dW "$bin")
  grep -Eq '\(BIND_NOW\)|\(FLAGS_1\).*NOW' <<<"$dyn" || missing+=("BIND_NOW")
  grep -Eq '\(FLAGS_1\).*PIE' <<<"$dyn" || [[ $bin == *.so* ]] || missing+=("PIE (FLAGS_1)")
  syms=$(readelf -sW "$bin")
  grep -q '__stack_chk_fail' <<<"$syms" || missing+=("stack protector (__stack_chk_fail)")
  if [ "${2:-}" = fortify ]; then
    grep -Eq ' __[a-z_]+_chk(@|$)' <<<"$syms" || missing+=("_FORTIFY_SOURCE (__*_chk)")
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    printf '%s lacks: %s\n' "$bin" "${missing[*]}"
    return 1
  fi
}
