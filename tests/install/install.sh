#!/usr/bin/env bash
# ctest cli.install (registered by cmake/install.cmake): `cmake --install` of this build into
# a scratch prefix, the installed binary runs, and tests/install/consumer.c builds and runs
# against the installed library twice: through find_package(platsweep) in a separate CMake
# project, and through `pkg-config --static platsweep` with the C compiler alone.
# Environment (from ctest): SRCDIR BUILDDIR CMAKE CC PKG_CONFIG PSW_INSTALL_LIBDIR
# PSW_BUILD_TYPE PSW_VERSION. Runs in its scratch directory build/<preset>/tests/install/.
set -euo pipefail
: "${SRCDIR:?}" "${BUILDDIR:?}" "${CMAKE:?}" "${CC:?}" "${PKG_CONFIG:?}" "${PSW_INSTALL_LIBDIR:?}"
: "${PSW_VERSION:?}"
build_type=${PSW_BUILD_TYPE:-Release}

work=$PWD
prefix=$work/prefix
rm -rf "$prefix" consumer-cmake consumer-pc
mkdir -p consumer-pc

step() { echo "--- $*"; }
fail() { echo "FAIL $*"; exit 1; }

step "cmake --install $BUILDDIR --prefix $prefix"
"$CMAKE" --install "$BUILDDIR" --prefix "$prefix" >install.log 2>&1 || { cat install.log; fail "install"; }
for f in bin/platsweep "$PSW_INSTALL_LIBDIR/libplatsweep_core.a" \
         include/platsweep/family.h include/platsweep/err.h include/platsweep/version.h \
         "$PSW_INSTALL_LIBDIR/cmake/platsweep/platsweepConfig.cmake" \
         "$PSW_INSTALL_LIBDIR/cmake/platsweep/platsweepConfigVersion.cmake" \
         "$PSW_INSTALL_LIBDIR/cmake/platsweep/platsweepTargets.cmake" \
         "$PSW_INSTALL_LIBDIR/pkgconfig/platsweep.pc"; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
# Nothing of the source or build tree may leak into the installed package.
if grep -rlF -e "$SRCDIR/include" -e "$BUILDDIR" "$prefix/$PSW_INSTALL_LIBDIR/cmake" \
     "$prefix/$PSW_INSTALL_LIBDIR/pkgconfig"; then
  fail "installed package files name the source or build tree"
fi
echo "ok   installed"

step "installed binary"
"$prefix/bin/platsweep" --version >version.txt 2>&1 || { cat version.txt; fail "platsweep --version"; }
grep -q "^platsweep $PSW_VERSION" version.txt || { cat version.txt; fail "version line"; }
echo "ok   $(head -n 1 version.txt)"

want="platsweep $PSW_VERSION logit F=0.500000 Fp=0.250000 h=2.000000 err=\"invalid configuration\" driver=linked"
check_output() { # check_output HOW EXE
  local out
  out=$("$2") || fail "$1: consumer exited $?"
  [ "$out" = "$want" ] || fail "$1: consumer printed '$out', want '$want'"
  echo "ok   $1: $out"
}

step "find_package(platsweep) + platsweep::platsweep"
if ! { "$CMAKE" -S "$SRCDIR/tests/install" -B consumer-cmake -DCMAKE_C_COMPILER="$CC" \
         -DCMAKE_BUILD_TYPE="$build_type" -DCMAKE_PREFIX_PATH="$prefix" &&
       "$CMAKE" --build consumer-cmake; } >consumer-cmake.log 2>&1; then
  cat consumer-cmake.log
  fail "find_package consumer did not build"
fi
grep -F "platsweep $PSW_VERSION from $prefix/" consumer-cmake.log ||
  { cat consumer-cmake.log; fail "find_package did not use the installed package"; }
check_output find_package consumer-cmake/consumer

step "pkg-config --static platsweep"
export PKG_CONFIG_PATH="$prefix/$PSW_INSTALL_LIBDIR/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
"$PKG_CONFIG" --exists --print-errors platsweep || fail "pkg-config does not find platsweep"
[ "$("$PKG_CONFIG" --modversion platsweep)" = "$PSW_VERSION" ] || fail "pkg-config --modversion"
cflags=$("$PKG_CONFIG" --cflags platsweep)
libs=$("$PKG_CONFIG" --libs --static platsweep)
echo "cflags: $cflags"
echo "libs:   $libs"
# word splitting of the pkg-config output is intended
# shellcheck disable=SC2086
"$CC" -std=c17 -o consumer-pc/consumer "$SRCDIR/tests/install/consumer.c" $cflags $libs \
  >consumer-pc.log 2>&1 || { cat consumer-pc.log; fail "pkg-config consumer did not build"; }
check_output pkg-config consumer-pc/consumer

echo "ok   cli.install"
