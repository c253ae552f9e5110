/* `platsweep bench`: points/s of solver variants on reproducible random points. */
#define _POSIX_C_SOURCE 200809L
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "app/app.h"
#include "platsweep/point.h"
#include "platsweep/solver.h"
#include "platsweep/version.h"

static const char *usage_bench =
    "usage: platsweep bench [--solvers A,B] [--pairs F:G,...] [--problem P] [--points N]\n"
    "                       [--repeat R] [--threads T] [--seed S] [--intra] [--json]\n"
    "                       [--check N] [--dump FILE]\n"
    "\n"
    "Time solver variants on N reproducible random points of each family pair.\n"
    "  --solvers A,B    variants (default: every variant registered for the problem)\n"
    "  --pairs F:G,...  family pairs, customers:providers (default logit:logit,linear:linear)\n"
    "  --problem P      optimum (default) or equilibrium\n"
    "  --points N       points per pair (default 2000)\n"
    "  --repeat R       timed repeats after one warm-up; the median is reported (default 5)\n"
    "  --threads T      OpenMP threads (default 1)\n"
    "  --seed S         sampler seed (default 7)\n"
    "  --intra          draw intra-side effects e_m, e_n (default 0)\n"
    "  --json           one JSON object per line instead of the table\n"
    "  --check N        compare each variant with the reference path on the first N points\n"
    "                   (default: all; 0: no comparison, no max_err column values)\n"
    "  --dump FILE      write every point and every variant's answer to FILE (CSV, one row\n"
    "                   per pair x variant x point; bench/numpy_baseline.py reads it)\n"
    "\n"
    "Columns: points/s (median), spread% ((max-min)/median of the repeats), mean_iter,\n"
    "esc% (fast-path lanes handed to the reference path), max_err (largest difference from\n"
    "the reference: |x - x_ref| / max(|x_ref|, scale), scale S for fees and U, V, M and N\n"
    "for participation, S (M + N) for profit; S as in MODEL.md section 0), diff (points whose\n"
    "status, sides or number of equilibria differ from the reference), then the count of\n"
    "each status.\n";

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* "model name" of the first CPU in /proc/cpuinfo, or "unknown". */
static void cpu_model(char *buf, size_t len) {
  snprintf(buf, len, "unknown");
  FILE *fp = fopen("/proc/cpuinfo", "r");
  if (!fp) return;
  char line[512];
  while (fgets(line, sizeof line, fp)) {
    char *colon = strchr(line, ':');
    if (!strncmp(line, "model name", 10) && colon) {
      colon += 1 + (colon[1] == ' ');
      colon[strcspn(colon, "\n")] = '\0';
      snprintf(buf, len, "%s", colon);
      break;
    }
  }
  fclose(fp);
}

/* A string with its JSON specials escaped. */
static void json_str(FILE *fp, const char *s) {
  fputc('"', fp);
  for (; *s; ++s) {
    if (*s == '"' || *s == '\\') fputc('\\', fp);
    if ((unsigned char)*s >= 0x20) fputc(*s, fp);
  }
  fputc('"', fp);
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

enum { CHUNK = 64 };

static double run_once(const psw_solver_ops *s, psw_problem prob, const psw_point *pts, int n,
                       psw_opt_result *ro, psw_eq_result *re, int threads) {
  psw_solver_opts o;
  psw_solver_opts_default(&o);
  double t0 = now();
  int nchunk = (n + CHUNK - 1) / CHUNK;
  (void)threads;
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (int c = 0; c < nchunk; ++c) {
    int lo = c * CHUNK, cnt = n - lo < CHUNK ? n - lo : CHUNK;
    if (prob == PSW_PROBLEM_OPTIMUM)
      s->solve_optimum(&o, cnt, pts + lo, ro + lo);
    else
      s->solve_equilibrium(&o, cnt, pts + lo, re + lo);
  }
  return now() - t0;
}

/* One CSV row per point: the parameters, then the answer (optimum or equilibria). */
static void dump_header(FILE *fp, psw_problem prob) {
  fputs("pair,variant,index,a,b,c,d,e_m,e_n,f_in,g_in,cust_p0,cust_p1,cust_p2,cust_M,prov_p0,"
        "prov_p1,prov_p2,prov_M,status,iter",
        fp);
  if (prob == PSW_PROBLEM_OPTIMUM)
    fputs(",f,g,m,n,U,V,P,soc_q1,soc_q,h_m,h_n,eq_det,side_m,side_n,below_cost_m,below_cost_n,"
          "eq_stable,n_eq\n",
          fp);
  else
    fputs(",count,m,n,U,V,det,stable\n", fp); /* the equilibria, ';'-separated lists */
}

static void dump_rows(FILE *fp, const char *pair, const char *variant, psw_problem prob, int n,
                      const psw_point *pts, const psw_opt_result *ro, const psw_eq_result *re) {
  for (int i = 0; i < n; ++i) {
    const psw_point *p = &pts[i];
    fprintf(fp, "%s,%s,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g", pair, variant, i, p->a,
            p->b, p->c, p->d, p->e_m, p->e_n, p->f, p->g);
    fprintf(fp, ",%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g", p->cust.p[0], p->cust.p[1],
            p->cust.p[2], p->cust.M, p->prov.p[0], p->prov.p[1], p->prov.p[2], p->prov.M);
    if (prob == PSW_PROBLEM_OPTIMUM) {
      const psw_opt_result *r = &ro[i];
      fprintf(fp, ",%d,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,"
                  "%d,%d,%d,%d,%d,%d\n",
              r->status, r->iter, r->f, r->g, r->m, r->n, r->U, r->V, r->P, r->soc_q1, r->soc_q,
              r->h_m, r->h_n, r->eq_det, r->side_m, r->side_n, r->below_cost_m, r->below_cost_n,
              r->eq_stable, r->n_eq);
    } else {
      const psw_eq_result *r = &re[i];
      fprintf(fp, ",%d,%d,%d", r->status, r->iter, r->count);
      const double *cols[5] = {r->m, r->n, r->U, r->V, r->det};
      for (int c = 0; c < 5; ++c) {
        fputc(',', fp);
        for (int q = 0; q < r->count; ++q) fprintf(fp, q ? ";%.17g" : "%.17g", cols[c][q]);
      }
      fputc(',', fp);
      for (int q = 0; q < r->count; ++q) fprintf(fp, q ? ";%d" : "%d", r->stable[q]);
      fputc('\n', fp);
    }
  }
}

/* |x - r| / max(|r|, scale); 0 when both are the same (infinities included). */
static double rel_diff(double x, double r, double scale) {
  if (x == r || (isnan(x) && isnan(r))) return 0.0;
  double d = fabs(x - r) / fmax(fabs(r), scale);
  return isnan(d) ? (double)INFINITY : d;
}

/* The largest difference of an answer from the reference's (see usage_bench); *diff set
 * when a discrete part differs (then the numbers are not compared). */
static double opt_err(const psw_point *p, const psw_opt_result *x, const psw_opt_result *r,
                      int *diff) {
  *diff = x->status != r->status || x->side_m != r->side_m || x->side_n != r->side_n ||
          x->n_eq != r->n_eq;
  if (*diff) return 0.0;
  double S = psw_point_scale(p), M = p->cust.M, N = p->prov.M, e = 0.0;
  e = fmax(e, rel_diff(x->f, r->f, S));
  e = fmax(e, rel_diff(x->g, r->g, S));
  e = fmax(e, rel_diff(x->U, r->U, S));
  e = fmax(e, rel_diff(x->V, r->V, S));
  e = fmax(e, rel_diff(x->m, r->m, M));
  e = fmax(e, rel_diff(x->n, r->n, N));
  e = fmax(e, rel_diff(x->P, r->P, S * (M + N)));
  return e;
}

static double eq_err(const psw_point *p, const psw_eq_result *x, const psw_eq_result *r,
                     int *diff) {
  *diff = x->status != r->status || x->count != r->count;
  if (*diff) return 0.0;
  double S = psw_point_scale(p), e = 0.0;
  for (int q = 0; q < x->count; ++q) {
    *diff |= x->stable[q] != r->stable[q];
    e = fmax(e, rel_diff(x->m[q], r->m[q], p->cust.M));
    e = fmax(e, rel_diff(x->n[q], r->n[q], p->prov.M));
    e = fmax(e, rel_diff(x->U[q], r->U[q], S));
    e = fmax(e, rel_diff(x->V[q], r->V[q], S));
  }
  return e;
}

int app_bench(int argc, char **argv) {
  const char *solvers = NULL, *pairs = "logit:logit,linear:linear", *dump = NULL;
  psw_problem prob = PSW_PROBLEM_OPTIMUM;
  int npts = 2000, repeat = 5, threads = 1, json = 0, check = -1;
  unsigned long seed = 7;
  psw_sample_opts so = {0, 0, 0.0};
  for (int i = 0; i < argc; ++i) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(usage_bench, stdout);
      return 0;
    } else if (!strcmp(a, "--json")) {
      json = 1;
    } else if (!strcmp(a, "--intra")) {
      so.intra = 1;
    } else if (v && !strcmp(a, "--dump")) {
      dump = v, ++i;
    } else if (v && !strcmp(a, "--solvers")) {
      solvers = v, ++i;
    } else if (v && !strcmp(a, "--pairs")) {
      pairs = v, ++i;
    } else if (v && !strcmp(a, "--problem")) {
      if (!strcmp(v, "optimum"))
        prob = PSW_PROBLEM_OPTIMUM;
      else if (!strcmp(v, "equilibrium"))
        prob = PSW_PROBLEM_EQUILIBRIUM;
      else {
        fprintf(stderr, "platsweep bench: --problem: unknown problem '%s'\n", v);
        return PSW_EXIT_USAGE;
      }
      ++i;
    } else if (v && (!strcmp(a, "--points") || !strcmp(a, "--repeat") ||
                     !strcmp(a, "--threads") || !strcmp(a, "--seed") || !strcmp(a, "--check"))) {
      char *end;
      long x = strtol(v, &end, 10);
      if (*end || x < (strcmp(a, "--seed") && strcmp(a, "--check") ? 1 : 0) || x > 1000000000L) {
        fprintf(stderr, "platsweep bench: %s: '%s' is not a valid count\n", a, v);
        return PSW_EXIT_USAGE;
      }
      if (!strcmp(a, "--points")) npts = (int)x;
      if (!strcmp(a, "--repeat")) repeat = (int)x;
      if (!strcmp(a, "--threads")) threads = (int)x;
      if (!strcmp(a, "--seed")) seed = (unsigned long)x;
      if (!strcmp(a, "--check")) check = (int)x;
      ++i;
    } else {
      fprintf(stderr, "platsweep bench: unknown option '%s' (see platsweep bench --help)\n", a);
      return PSW_EXIT_USAGE;
    }
  }
  if (prob == PSW_PROBLEM_EQUILIBRIUM) so.fees = 1;
  const psw_solver_ops *vars[16];
  int nv = 0;
  if (solvers) {
    char buf[256];
    snprintf(buf, sizeof buf, "%s", solvers);
    for (char *t = strtok(buf, ","); t && nv < 16; t = strtok(NULL, ",")) {
      if (psw_solver_find(t, prob, &vars[nv]) != PSW_OK) {
        fprintf(stderr, "platsweep bench: %s\n", psw_err_msg());
        return PSW_EXIT_USAGE;
      }
      ++nv;
    }
  } else {
    for (int i = 0; i < psw_solver_count() && nv < 16; ++i)
      if (psw_solver_get(i)->problems & (1u << prob)) vars[nv++] = psw_solver_get(i);
  }
  FILE *dfp = NULL;
  if (dump) {
    dfp = fopen(dump, "w");
    if (!dfp) {
      fprintf(stderr, "platsweep bench: --dump: cannot create '%s'\n", dump);
      return PSW_EXIT_CANTCREAT;
    }
    dump_header(dfp, prob);
  }
  char cpu[256];
  cpu_model(cpu, sizeof cpu);
  if (!json)
    printf("# platsweep %s (%s), %s, %s\n# C flags: %s\n", PSW_VERSION, PSW_GIT_DESCRIBE,
           PSW_COMPILER, cpu, PSW_C_FLAGS);
  if (!json)
    printf("# threads %d, %d points/pair, seed %lu, median of %d after warm-up\n"
           "%-22s %-12s %12s %10s %10s %7s %9s %6s  %s\n",
           threads, npts, seed, repeat, "pair", "variant", "points/s", "spread%", "mean_iter",
           "esc%", "max_err", "diff", "status counts (ok corner noint degen notconv invalid)");
  char pbuf[512];
  snprintf(pbuf, sizeof pbuf, "%s", pairs);
  char *save = NULL;
  for (char *pr = strtok_r(pbuf, ",", &save); pr; pr = strtok_r(NULL, ",", &save)) {
    char *colon = strchr(pr, ':');
    psw_family_kind kf, kg;
    if (!colon) {
      fprintf(stderr, "platsweep bench: --pairs: '%s' is not F:G\n", pr);
      return PSW_EXIT_USAGE;
    }
    *colon = '\0';
    if (psw_family_from_name(pr, &kf) || psw_family_from_name(colon + 1, &kg)) {
      fprintf(stderr, "platsweep bench: --pairs: unknown family in '%s:%s'\n", pr, colon + 1);
      return PSW_EXIT_USAGE;
    }
    psw_point *pts = malloc((size_t)npts * sizeof *pts);
    psw_opt_result *ro = malloc((size_t)npts * sizeof *ro);
    psw_eq_result *re = malloc((size_t)npts * sizeof *re);
    double *times = malloc((size_t)repeat * sizeof *times);
    if (!pts || !ro || !re || !times) {
      fprintf(stderr, "platsweep bench: out of memory\n");
      return PSW_EXIT_FAILURE;
    }
    for (int i = 0; i < npts; ++i) psw_point_sample(&pts[i], kf, kg, &so, seed, (unsigned long)i);
    /* the reference answers on the first nchk points, once per pair (not timed) */
    int nchk = check < 0 || check > npts ? npts : check;
    psw_opt_result *rro = NULL;
    psw_eq_result *rre = NULL;
    const psw_solver_ops *ref = NULL;
    if (nchk > 0 && psw_solver_find("reference", prob, &ref) == PSW_OK) {
      rro = calloc((size_t)nchk, sizeof *rro);
      rre = calloc((size_t)nchk, sizeof *rre);
      if (!rro || !rre) {
        fprintf(stderr, "platsweep bench: out of memory\n");
        return PSW_EXIT_FAILURE;
      }
      run_once(ref, prob, pts, nchk, rro, rre, threads);
    } else {
      nchk = 0;
    }
    for (int v = 0; v < nv; ++v) {
      run_once(vars[v], prob, pts, npts, ro, re, threads); /* warm-up */
      long lanes0, esc0, lanes1, esc1;
      psw_solver_fast_stats(&lanes0, &esc0);
      for (int r = 0; r < repeat; ++r) times[r] = run_once(vars[v], prob, pts, npts, ro, re, threads);
      psw_solver_fast_stats(&lanes1, &esc1);
      double esc = lanes1 > lanes0 ? 100.0 * (double)(esc1 - esc0) / (double)(lanes1 - lanes0) : 0.0;
      qsort(times, (size_t)repeat, sizeof *times, cmp_d);
      double med = times[repeat / 2], spread = (times[repeat - 1] - times[0]) / med * 100.0;
      long st[6] = {0};
      double it = 0;
      for (int i = 0; i < npts; ++i) {
        int s = prob == PSW_PROBLEM_OPTIMUM ? ro[i].status : re[i].status;
        if (s >= 0 && s < 6) st[s]++;
        it += prob == PSW_PROBLEM_OPTIMUM ? ro[i].iter : re[i].iter;
      }
      double maxerr = 0.0;
      long ndiff = 0;
      for (int i = 0; i < nchk; ++i) {
        int d = 0;
        double e = prob == PSW_PROBLEM_OPTIMUM ? opt_err(&pts[i], &ro[i], &rro[i], &d)
                                               : eq_err(&pts[i], &re[i], &rre[i], &d);
        maxerr = fmax(maxerr, e);
        ndiff += d;
      }
      char errs[32], diffs[32], jerr[32];
      if (nchk) {
        snprintf(errs, sizeof errs, "%.2g", maxerr);
        snprintf(diffs, sizeof diffs, "%ld", ndiff);
        /* JSON has no inf: a non-finite answer against a finite reference shows as DBL_MAX */
        snprintf(jerr, sizeof jerr, "%.6g", isfinite(maxerr) ? maxerr : DBL_MAX);
      } else {
        snprintf(errs, sizeof errs, "-");
        snprintf(diffs, sizeof diffs, "-");
        snprintf(jerr, sizeof jerr, "null");
      }
      if (json) {
        printf("{\"platsweep\": \"%s (%s)\", \"compiler\": \"%s\", \"cpu\": ", PSW_VERSION,
               PSW_GIT_DESCRIBE, PSW_COMPILER);
        json_str(stdout, cpu);
        printf(", \"cflags\": ");
        json_str(stdout, PSW_C_FLAGS);
        printf(", ");
      }
      if (json)
        printf("\"pair\": \"%s:%s\", \"variant\": \"%s\", \"problem\": \"%s\", \"threads\": %d, "
               "\"points\": %d, \"points_per_s\": %.6g, \"median_s\": %.6g, \"min_s\": %.6g, "
               "\"max_s\": %.6g, \"mean_iter\": %.4g, \"escalated_share\": %.6g, "
               "\"checked\": %d, \"max_err\": %s, \"diff\": %ld, "
               "\"status\": [%ld, %ld, %ld, %ld, %ld, %ld]}\n",
               pr, colon + 1, vars[v]->name, psw_problem_name(prob), threads, npts, npts / med, med,
               times[0], times[repeat - 1], it / npts, esc / 100.0, nchk,
               jerr, ndiff, st[0], st[1], st[2], st[3], st[4], st[5]);
      else
      {
        char label[96];
        snprintf(label, sizeof label, "%s:%s", pr, colon + 1);
        printf("%-22s %-12s %12.4g %10.1f %10.1f %7.2f %9s %6s  %ld %ld %ld %ld %ld %ld\n", label,
               vars[v]->name, npts / med, spread, it / npts, esc, errs, diffs, st[0], st[1], st[2],
               st[3], st[4], st[5]);
      }
      if (dfp) {
        char label[96];
        snprintf(label, sizeof label, "%s:%s", pr, colon + 1);
        dump_rows(dfp, label, vars[v]->name, prob, npts, pts, ro, re);
      }
      fflush(stdout);
    }
    free(pts);
    free(ro);
    free(re);
    free(rro);
    free(rre);
    free(times);
  }
  if (dfp && fclose(dfp) != 0) {
    fprintf(stderr, "platsweep bench: --dump: cannot write '%s'\n", dump);
    return PSW_EXIT_IOERR;
  }
  return PSW_EXIT_OK;
}
