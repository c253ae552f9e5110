# Spack recipe for platsweep (CONVENTIONS §2.4; docs/install.md "Spack").
#
# Use it from a repository of your own:
#   spack repo create ~/spack-platsweep platsweep_repo     (once)
#   mkdir -p ~/spack-platsweep/packages/platsweep
#   cp scripts/spack/package.py ~/spack-platsweep/packages/platsweep/
#   spack repo add ~/spack-platsweep
#   spack install platsweep@main +openmp ^openmpi ^hdf5@1.14 +hl +mpi
# or build this checkout:  spack dev-build platsweep@main   (from the repository's top)
#
# Not yet run through Spack (it is not installed on the development machine); checked only
# for Python syntax. PLACEHOLDER marks what must be filled in before publishing.
from spack.package import *


class Platsweep(CMakePackage):
    """Parallel parameter-sweep engine for two-sided platform economics: all participation
    equilibria and globally optimal fees over millions of parameter points, written as
    netCDF-4-compatible HDF5 (MPI + OpenMP, parallel HDF5)."""

    # PLACEHOLDER: the project has no public home yet; replace both before publishing.
    homepage = "https://example.invalid/platsweep"
    git = "https://example.invalid/platsweep.git"

    maintainers("platsweep")  # PLACEHOLDER: GitHub handles of the maintainers

    # PLACEHOLDER: a release tarball with its checksum once 0.1.0 is tagged, e.g.
    #   url = "https://example.invalid/platsweep/archive/v0.1.0.tar.gz"
    #   version("0.1.0", sha256="<sha256 of the tarball>")
    version("main", branch="main")

    # Parallel HDF5 is required by CMakeLists.txt (FATAL_ERROR unless HDF5_IS_PARALLEL) and the
    # library's public headers include <mpi.h>: there is no serial build, so ~mpi is refused.
    variant("mpi", default=True, description="MPI ranks and parallel HDF5 (required)")
    conflicts("~mpi", msg="platsweep needs MPI and parallel HDF5; a serial build does not exist")
    variant("openmp", default=True, description="Thread the sweep driver with OpenMP")

    depends_on("c", type="build")
    depends_on("cmake@3.25:", type="build")
    depends_on("pkgconfig", type="build")  # libcyaml, yaml-0.1, libdeflate via pkg-config

    depends_on("mpi", when="+mpi")
    depends_on("hdf5@1.10.2:+hl+mpi", when="+mpi")  # H5DS dimension scales, filtered MPI-IO
    depends_on("gsl")
    depends_on("libcyaml")
    depends_on("libyaml")
    depends_on("libdeflate")
    depends_on("zlib-api")  # Spack >= 0.21; older Spack: depends_on("zlib")

    # The test suite needs Criterion (no Spack package) and Python with numpy/h5py; it is
    # switched off unless `spack install --test=root`, see cmake_args.

    def cmake_args(self):
        return [
            self.define_from_variant("PSW_ENABLE_OPENMP", "openmp"),
            self.define("HDF5_PREFER_PARALLEL", True),
            # Spack chooses the target's flags itself; -march=native would tie the binary
            # to the build node.
            self.define("PSW_NATIVE", False),
            self.define("PSW_WERROR", False),
            # Off: CMake looks for no Criterion and registers no test.
            self.define("PSW_BUILD_TESTS", self.run_tests),
        ]
