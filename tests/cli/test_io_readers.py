#!/usr/bin/env python3
"""Files from the HDF5 writer (src/io/h5out.c) open in the tools users have (SPEC §5,
CONVENTIONS §1): ncdump, xarray (netcdf4 engine; h5netcdf too when it is installed), h5py.

The files are written by the io_fixture program (tests/io_fixture.c), whose path comes in the
environment as IO_FIXTURE (set by CMakeLists.txt for ctest); run by hand:

    IO_FIXTURE=build/default/tests/io_fixture /usr/bin/python3 tests/cli/test_io_readers.py

It works in the current directory. The expected values are the fixture's formulas: point p
(C order over a(4) b(3) providers_s(2)) has P_opt = 1000 + p + 0.25, status_opt = p % 6,
iter_optimum = 100 + p, eq_m[p][j] = 10 p + j for j < p % 4 (NaN after),
eq_stable[p][j] = j % 2 (-1 after); points 5, 6, 7 are never written.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import traceback

import numpy as np

FIXTURE = os.environ.get("IO_FIXTURE", "")
SHAPE = (4, 3, 2)
NP = 24
UNWRITTEN = {5, 6, 7}
COORDS = {"a": [0.5, 1.0, 1.5, 2.0], "b": [0.0, 1.5, 3.0], "providers_s": [0.2, 1.0]}
FLAGS = "ok corner no_interior_optimum degenerate not_converged invalid"
TITLE = "platsweep io fixture: θ ≥ 0 — UTF-8"

passed = 0
failed = 0


def check(name, fn, *args):
    global passed, failed
    try:
        fn(*args)
    except Exception:  # a failed check of any kind is reported and counted, then we go on
        failed += 1
        print(f"FAIL {name}")
        traceback.print_exc(file=sys.stdout)
    else:
        passed += 1
        print(f"ok   {name}")


def expected():
    p = np.arange(NP)
    P = 1000.0 + p + 0.25
    st = (p % 6).astype(float)
    it = (100 + p).astype(float)
    eqm = np.full((NP, 9), np.nan)
    eqs = np.full((NP, 9), -1, dtype=np.int8)
    for q in range(NP):
        for j in range(q % 4):
            eqm[q, j] = 10 * q + j
            eqs[q, j] = j % 2
    for q in UNWRITTEN:
        P[q] = st[q] = it[q] = np.nan
        eqm[q, :] = np.nan
        eqs[q, :] = -1
    return {
        "P_opt": P.reshape(SHAPE),
        "status_opt": st.reshape(SHAPE),
        "iter_optimum": it.reshape(SHAPE),
        "eq_m": eqm.reshape(SHAPE + (9,)),
        "eq_stable": eqs.reshape(SHAPE + (9,)),
    }


def run_fixture(design, out, compression):
    for p in (out, out + ".partial"):
        if os.path.exists(p):
            os.remove(p)
    r = subprocess.run([FIXTURE, design, out, str(compression)], capture_output=True, text=True)
    assert r.returncode == 0, f"io_fixture {design} exit {r.returncode}: {r.stderr}"
    assert os.path.exists(out), f"{out} missing"
    assert not os.path.exists(out + ".partial"), f"{out}.partial left behind"


def check_ncdump_header(path):
    r = subprocess.run(["ncdump", "-h", path], capture_output=True, text=True)
    assert r.returncode == 0, f"ncdump -h exit {r.returncode}: {r.stderr}"
    out = r.stdout
    for line in ("a = 4 ;", "b = 3 ;", "providers_s = 2 ;", "eq = 9 ;",
                 "double a(a) ;", "double providers_s(providers_s) ;", "int64 eq(eq) ;",
                 "double P_opt(a, b, providers_s) ;", "byte status_opt(a, b, providers_s) ;",
                 "short iter_optimum(a, b, providers_s) ;",
                 "double eq_m(a, b, providers_s, eq) ;", "byte eq_stable(a, b, providers_s, eq) ;",
                 "P_opt:_FillValue = NaN ;", "status_opt:_FillValue = -1b ;",
                 "status_opt:flag_values = 0b, 1b, 2b, 3b, 4b, 5b ;",
                 f'string status_opt:flag_meanings = "{FLAGS}" ;',
                 'string :Conventions = "CF-1.10" ;', f'string :title = "{TITLE}" ;'):
        assert line in out, f"ncdump -h lacks {line!r}:\n{out}"
    assert "phony_dim" not in out, "a dimension without its scale"


def check_ncdump_data(path):
    r = subprocess.run(["ncdump", path], capture_output=True, text=True)
    assert r.returncode == 0, f"ncdump exit {r.returncode}: {r.stderr}"
    assert "point = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 ;" in r.stdout, r.stdout


def check_xarray_grid(path, engine):
    import xarray as xr

    exp = expected()
    with xr.open_dataset(path, engine=engine) as ds:
        for name in ("P_opt", "status_opt", "iter_optimum"):
            assert ds[name].dims == ("a", "b", "providers_s"), f"{name}: dims {ds[name].dims}"
        for name in ("eq_m", "eq_stable"):
            assert ds[name].dims == ("a", "b", "providers_s", "eq"), f"{name}: {ds[name].dims}"
        for dim, vals in COORDS.items():
            assert dim in ds.coords, f"no coordinate {dim}"
            np.testing.assert_array_equal(ds[dim].values, vals)
            assert ds[dim].dtype == np.float64
        assert ds["eq"].dtype == np.int64
        np.testing.assert_array_equal(ds["eq"].values, np.arange(9))
        # CF decoding masks the fill values: NaN at the unwritten points and unused slots
        for name in ("P_opt", "status_opt", "iter_optimum", "eq_m"):
            np.testing.assert_array_equal(ds[name].values, exp[name], err_msg=name)
        assert ds["P_opt"].sel(a=1.0, b=1.5, providers_s=0.2).item() == 1008.25
        assert np.isnan(ds["P_opt"].sel(a=0.5, b=3.0, providers_s=1.0).item())  # p = 5
        assert ds.attrs["Conventions"] == "CF-1.10"
        assert ds.attrs["title"] == TITLE
        assert ds.attrs["config"].startswith("axes:\n  a: [0.5")
        for key in ("Conventions", "title", "config", "source"):
            assert type(ds.attrs[key]) is str, f"{key}: {type(ds.attrs[key])}"
        st = ds["status_opt"].attrs
        assert st["flag_meanings"] == FLAGS and type(st["flag_meanings"]) is str
        np.testing.assert_array_equal(st["flag_values"], np.arange(6))
        assert ds["P_opt"].attrs["units"] == "1"
        assert ds["P_opt"].attrs["long_name"] == "platform profit at the optimum"
        assert ds["a"].attrs["long_name"] == "customers' benefit per provider"
    # without CF masking the integers keep their own type and the fill -1
    with xr.open_dataset(path, engine=engine, mask_and_scale=False) as raw:
        assert raw["status_opt"].dtype == np.int8
        assert raw["eq_stable"].dtype == np.int8
        np.testing.assert_array_equal(raw["eq_stable"].values, exp["eq_stable"])
        s = raw["status_opt"].values.reshape(-1)
        assert all(s[q] == -1 for q in UNWRITTEN), s


def check_xarray_points(path, engine):
    import xarray as xr

    with xr.open_dataset(path, engine=engine) as ds:
        assert dict(ds.sizes) == {"point": 10}, dict(ds.sizes)
        df = ds[["a", "b", "P_opt", "status_opt"]].to_dataframe()
    assert len(df) == 10, len(df)
    assert list(df.index) == list(range(10)), list(df.index)
    assert df.index.name == "point"
    np.testing.assert_allclose(df["a"].values, 0.1 * np.arange(10), rtol=0, atol=1e-15)
    np.testing.assert_allclose(df["b"].values, 3.0 - 0.2 * np.arange(10), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(df["P_opt"].values, 1000.25 + np.arange(10))
    np.testing.assert_array_equal(df["status_opt"].values, np.arange(10) % 6)


def check_h5py(path):
    import h5py

    with h5py.File(path, "r") as f:
        for key in ("Conventions", "title", "config", "source"):
            assert type(f.attrs[key]) is str, f"/{key}: {type(f.attrs[key])}"
        assert f.attrs["title"] == TITLE
        assert list(f.attrs.keys())[0] == "Conventions", list(f.attrs.keys())
        for name in ("P_opt", "status_opt", "iter_optimum", "eq_m", "eq_stable"):
            d = f[name]
            labels = [list(dim.keys()) for dim in d.dims]
            want = [["a"], ["b"], ["providers_s"]] + ([["eq"]] if name.startswith("eq_") else [])
            assert labels == want, f"{name}: scales {labels}"
            fv = d.attrs["_FillValue"]
            assert fv.dtype == d.dtype, f"{name}: _FillValue {fv.dtype} vs {d.dtype}"
            assert d.fillvalue == fv or (np.isnan(d.fillvalue) and np.isnan(fv))
            assert d.chunks is not None, f"{name} not chunked"
            for key in ("long_name", "units", "flag_meanings"):
                if key in d.attrs:
                    assert type(d.attrs[key]) is str, f"{name}:{key}: {type(d.attrs[key])}"
        assert f["status_opt"].dtype == np.int8
        assert f["status_opt"].compression == "gzip" and f["status_opt"].shuffle
        assert f["a"].attrs["units"] == "1"
        raw = f["P_opt"][...].reshape(-1)
        assert np.isnan(raw[5]) and raw[8] == 1008.25


def check_uncompressed(path):
    import h5py
    import xarray as xr

    with h5py.File(path, "r") as f:
        assert f["P_opt"].compression is None
    with xr.open_dataset(path) as ds:
        np.testing.assert_array_equal(ds["P_opt"].values, expected()["P_opt"])


def missing(what):
    raise AssertionError(f"{what} not found")


def main():
    if not FIXTURE or not os.access(FIXTURE, os.X_OK):
        print(f"FAIL IO_FIXTURE not set or not executable: {FIXTURE!r}")
        print("0 passed, 1 failed")
        return 1
    engines = ["netcdf4"]
    if importlib.util.find_spec("h5netcdf") is not None:
        engines.append("h5netcdf")
    else:
        print("note: h5netcdf is not installed; xarray's h5netcdf engine is not checked")

    check("fixture writes grid.nc", run_fixture, "grid", "grid.nc", 4)
    check("fixture writes grid0.nc (no compression)", run_fixture, "grid", "grid0.nc", 0)
    check("fixture writes points.nc", run_fixture, "point", "points.nc", 4)
    if shutil.which("ncdump"):
        check("ncdump -h grid.nc", check_ncdump_header, "grid.nc")
        check("ncdump points.nc", check_ncdump_data, "points.nc")
    else:
        check("ncdump installed (netcdf-bin)", missing, "ncdump")
    for engine in engines:
        check(f"xarray[{engine}] grid.nc", check_xarray_grid, "grid.nc", engine)
        check(f"xarray[{engine}] points.nc to_dataframe", check_xarray_points, "points.nc", engine)
    check("h5py grid.nc", check_h5py, "grid.nc")
    check("grid0.nc uncompressed", check_uncompressed, "grid0.nc")

    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
