# The Slurm test (issue #6, label slurm): tests/slurm/test_slurm.py starts a single-node Slurm
# on loopback (scripts/slurm/local-cluster.sh), submits sweeps through scripts/submit.sh and
# runs the checkpoint / requeue cycle; docs/cluster.md. Included by CMakeLists.txt.
#
# It needs root and Debian's slurm-wlm + munge (scripts/deps.sh); without root it exits 77 and
# ctest reports it skipped. RUN_SERIAL: it uses both cores for ~3 minutes and its timing (the
# sweep must outlast Slurm's USR1 warning) should not depend on other tests; its cluster
# listens on fixed loopback ports (local-cluster.sh: 16817, 16818).
if(TARGET platsweep)
  set(_wd "${PROJECT_BINARY_DIR}/tests/slurm")
  file(MAKE_DIRECTORY "${_wd}")
  add_test(NAME slurm.cluster
           COMMAND "${PSW_PYTHON}" "${PROJECT_SOURCE_DIR}/tests/slurm/test_slurm.py"
           WORKING_DIRECTORY "${_wd}")
  set_tests_properties(slurm.cluster PROPERTIES
    LABELS slurm
    RUN_SERIAL TRUE
    TIMEOUT 600
    SKIP_RETURN_CODE 77
    ENVIRONMENT "OMPI_ALLOW_RUN_AS_ROOT=1;OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1;PLATSWEEP=$<TARGET_FILE:platsweep>;PYTHON=${PSW_PYTHON};SRCDIR=${PROJECT_SOURCE_DIR}")
endif()
