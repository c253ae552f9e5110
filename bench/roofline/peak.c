/* peak.c: this core's arithmetic ceilings, and the speed and accuracy of vector exp/log.
 *
 * One thread. Every rate is a median over R repeats (default 5) of one timed call that does
 * at least T seconds of work (default 0.2 s), after a calibration run and a warm-up, timed
 * with clock_gettime(CLOCK_MONOTONIC). Every kernel's result is added to a volatile sink.
 *
 * Sections (see README.md in this directory):
 *   arith  core clock estimate; FMA, add, mul, mul+add mix, div, sqrt throughput at 1, 4, 8 lanes
 *          (16 independent dependency chains, hand-written intrinsics so the instruction is
 *          exactly the one named in the table).
 *   math   exp and log: glibc scalar, glibc libmvec at 2, 4 and 8 lanes (the _ZGV symbols
 *          GCC calls from a `#pragma omp simd` loop), SLEEF 3.5 u10/u35 at 4 and 8 lanes
 *          (if built with -DPSW_HAVE_SLEEF); throughput over a 1024-double array held in L1
 *          and accuracy in ulp against a long double (x87, 64-bit significand) reference.
 *
 * Usage: peak [-s arith|math|all] [-t SECONDS] [-r REPEATS] [-n SAMPLES]
 *        peak --dump-ref exp|log N   (x and the long double reference, for ref_check.py)
 *
 * Build: bench/roofline/run.sh (cc -std=c17 -O3 -march=native -fopenmp-simd ... -lm).
 */
#define _POSIX_C_SOURCE 200809L
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef PSW_HAVE_SLEEF
#include <sleef.h>
#endif

#if !defined(__AVX2__) || !defined(__FMA__)
#error "peak.c needs at least AVX2 and FMA (build with -march=native on an x86-64-v3 machine)"
#endif

/* glibc libmvec (x86_64 vector function ABI): b = SSE4 2 lanes, d = AVX2 4 lanes,
 * e = AVX-512 8 lanes; N = unmasked, v = one vector argument. These are the very symbols
 * GCC calls for exp/log in a `#pragma omp simd` loop when exp/log carry
 * `#pragma omp declare simd notinbranch` (see simd_exp.c). */
__m128d _ZGVbN2v_exp(__m128d);
__m128d _ZGVbN2v_log(__m128d);
__m256d _ZGVdN4v_exp(__m256d);
__m256d _ZGVdN4v_log(__m256d);
#ifdef __AVX512F__
__m512d _ZGVeN8v_exp(__m512d);
__m512d _ZGVeN8v_log(__m512d);
#endif

static volatile double g_sink;
static volatile double g_mul = 0.9999999999; /* volatile: no constant folding of the chains */
static volatile double g_add = 1.0e-10;
static volatile double g_num = 1.2345678901;
static double g_min_time = 0.2;
static int g_reps = 5;
static size_t g_acc_n = (size_t)1 << 20;
static double g_clock_best; /* Hz, fastest repeat of the clock kernel: per-cycle columns */

#define MAX_REPS 101

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef double (*kernel_fn)(long n);

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Wall time of k(n) (CLOCK_MONOTONIC); *cpu_share = this thread's CPU time / wall time, which
 * drops below 1 when the guest kernel gives the core to another process meanwhile. */
static double time_kernel(kernel_fn k, long n, double *cpu_share)
{
    double c0 = cpu_now(), t0 = now();
    double r = k(n);
    double t1 = now(), c1 = cpu_now();
    g_sink = g_sink + r;
    if (cpu_share)
        *cpu_share = (c1 - c0) / (t1 - t0);
    return t1 - t0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

struct rate {
    double rate;   /* work units per second: work / median wall time of the repeats */
    double best;   /* work units per second of the fastest repeat */
    double spread; /* (slowest - fastest) / median */
    double cpu;    /* median CPU share of the repeats (1 = never descheduled) */
};

/* work = work units done by k(1) (k(n) does n times as much). */
static struct rate measure(kernel_fn k, double work)
{
    long n = 1;
    double t;
    while ((t = time_kernel(k, n, NULL)) < 0.02)
        n = t < 0.002 ? n * 8 : n * 2;
    n = (long)ceil((double)n * g_min_time / t * 1.15);
    time_kernel(k, n / 2 + 1, NULL); /* warm-up */
    double ts[MAX_REPS], cs[MAX_REPS];
    for (int attempt = 0;; attempt++) {
        for (int r = 0; r < g_reps; r++)
            ts[r] = time_kernel(k, n, &cs[r]);
        qsort(ts, (size_t)g_reps, sizeof ts[0], cmp_double);
        if (ts[0] >= g_min_time || attempt == 2)
            break;
        n = (long)ceil((double)n * g_min_time / ts[0] * 1.15); /* a repeat was too short */
    }
    double med = median(ts, g_reps);
    return (struct rate){(double)n * work / med, (double)n * work / ts[0],
                         (ts[g_reps - 1] - ts[0]) / med, median(cs, g_reps)};
}

/* ------------------------------------------------------------------------------------------
 * Arithmetic ceilings: NCH independent chains a[k] = STEP(a[k]), fully unrolled so that the
 * chains live in registers. 16 chains cover FMA latency 4 at 2 per cycle (needs 8), the
 * mul+add mix (8 mul chains of latency 3 at 2 per cycle next to 8 add chains: 12 chains
 * measured only 24 of 32 lane-ops per cycle, latency-bound) and the divider's latency at its
 * throughput; the loop counter is noise next to 16 ops. 24 chains spill to the stack.
 * ---------------------------------------------------------------------------------------- */
#ifndef NCH
#define NCH 16 /* -DNCH=N to try other chain counts (24 spills registers) */
#endif

/* The scalar kernels must stay scalar: without this GCC's SLP vectoriser packs the 16
 * independent scalar chains into ymm/zmm registers. */
#define SCALAR_ONLY __attribute__((noinline, optimize("no-tree-vectorize")))

#define ARITH_KERNEL(ID, ATTR, T, SET1, RED, STEP)                                               \
    static ATTR double ID(long n)                                                                \
    {                                                                                            \
        const T m = SET1(g_mul), c = SET1(g_add), q = SET1(g_num);                               \
        (void)m;                                                                                 \
        (void)c;                                                                                 \
        (void)q;                                                                                 \
        T a[NCH];                                                                                \
        for (int k = 0; k < NCH; k++)                                                            \
            a[k] = SET1(1.0 + 0.01 * k);                                                         \
        for (long i = 0; i < n; i++) {                                                           \
            _Pragma("GCC unroll 16") for (int k = 0; k < NCH; k++) a[k] = STEP(a[k], k);         \
        }                                                                                        \
        double s = 0.0;                                                                          \
        for (int k = 0; k < NCH; k++)                                                            \
            s += RED(a[k]);                                                                      \
        return s;                                                                                \
    }

static double red1(double x) { return x; }
static double red4(__m256d x)
{
    double t[4];
    _mm256_storeu_pd(t, x);
    return t[0] + t[1] + t[2] + t[3];
}
#define SET1_1(x) ((double)(x))
#define SET1_4(x) _mm256_set1_pd(x)

/* exactly one vsqrtsd (sqrt() would add an errno check, _mm_sqrt_sd register shuffles) */
static inline double sqrt1(double x)
{
    double r;
    __asm__("vsqrtsd %1, %1, %0" : "=v"(r) : "v"(x));
    return r;
}

/* STEP(a, k) for chain k. FMA: a = a*m + c (m = 1 - 1e-10, c = 1e-10: stays near 1, never
 * subnormal). */
#define FMA1(a, k) __builtin_fma((a), m, c)
#define FMA4(a, k) _mm256_fmadd_pd((a), m, c)
#define ADD1(a, k) ((a) + c)
#define ADD4(a, k) _mm256_add_pd((a), c)
#define MUL1(a, k) ((a) * m)
#define MUL4(a, k) _mm256_mul_pd((a), m)
/* mul+add: 8 mul chains and 8 add chains, as code built without FP contraction issues them
 * (the engine's -std=c17 means -ffp-contract=off: a*b+c is a vmulpd and a vaddpd). */
#define MULADD1(a, k) ((k) & 1 ? ADD1(a, k) : MUL1(a, k))
#define MULADD4(a, k) ((k) & 1 ? ADD4(a, k) : MUL4(a, k))
/* div: a = q / a alternates between two values; sqrt: a = sqrt(a + c) converges to a
 * generic fixed point (the add runs on another port and is hidden by the 16 chains). */
#define DIV1(a, k) (q / (a))
#define DIV4(a, k) _mm256_div_pd(q, (a))
#define SQRT1(a, k) sqrt1((a) + c)
#define SQRT4(a, k) _mm256_sqrt_pd(_mm256_add_pd((a), c))

ARITH_KERNEL(k_fma1, SCALAR_ONLY, double, SET1_1, red1, FMA1)
ARITH_KERNEL(k_add1, SCALAR_ONLY, double, SET1_1, red1, ADD1)
ARITH_KERNEL(k_mul1, SCALAR_ONLY, double, SET1_1, red1, MUL1)
ARITH_KERNEL(k_muladd1, SCALAR_ONLY, double, SET1_1, red1, MULADD1)
ARITH_KERNEL(k_div1, SCALAR_ONLY, double, SET1_1, red1, DIV1)
ARITH_KERNEL(k_sqrt1, SCALAR_ONLY, double, SET1_1, red1, SQRT1)
ARITH_KERNEL(k_fma4, __attribute__((noinline)), __m256d, SET1_4, red4, FMA4)
ARITH_KERNEL(k_add4, __attribute__((noinline)), __m256d, SET1_4, red4, ADD4)
ARITH_KERNEL(k_mul4, __attribute__((noinline)), __m256d, SET1_4, red4, MUL4)
ARITH_KERNEL(k_muladd4, __attribute__((noinline)), __m256d, SET1_4, red4, MULADD4)
ARITH_KERNEL(k_div4, __attribute__((noinline)), __m256d, SET1_4, red4, DIV4)
ARITH_KERNEL(k_sqrt4, __attribute__((noinline)), __m256d, SET1_4, red4, SQRT4)

#ifdef __AVX512F__
static double red8(__m512d x) { return _mm512_reduce_add_pd(x); }
#define SET1_8(x) _mm512_set1_pd(x)
#define FMA8(a, k) _mm512_fmadd_pd((a), m, c)
#define ADD8(a, k) _mm512_add_pd((a), c)
#define MUL8(a, k) _mm512_mul_pd((a), m)
#define MULADD8(a, k) ((k) & 1 ? ADD8(a, k) : MUL8(a, k))
#define DIV8(a, k) _mm512_div_pd(q, (a))
#define SQRT8(a, k) _mm512_sqrt_pd(_mm512_add_pd((a), c))
ARITH_KERNEL(k_fma8, __attribute__((noinline)), __m512d, SET1_8, red8, FMA8)
ARITH_KERNEL(k_add8, __attribute__((noinline)), __m512d, SET1_8, red8, ADD8)
ARITH_KERNEL(k_mul8, __attribute__((noinline)), __m512d, SET1_8, red8, MUL8)
ARITH_KERNEL(k_muladd8, __attribute__((noinline)), __m512d, SET1_8, red8, MULADD8)
ARITH_KERNEL(k_div8, __attribute__((noinline)), __m512d, SET1_8, red8, DIV8)
ARITH_KERNEL(k_sqrt8, __attribute__((noinline)), __m512d, SET1_8, red8, SQRT8)
#define K512(k) k
#else
#define K512(k) NULL
#endif

/* Core clock estimate: a chain of dependent integer adds runs at exactly one per cycle. */
#define ADD8_ASM "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t" \
                 "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
static __attribute__((noinline)) double k_clock(long n)
{
    uint64_t x = 0;
    for (long i = 0; i < n; i++)
        __asm__ volatile(ADD8_ASM ADD8_ASM ADD8_ASM ADD8_ASM : "+r"(x));
    return (double)x;
}

static void fmt_rate(char *buf, size_t len, double r, const char *unit)
{
    if (r >= 1e9)
        snprintf(buf, len, "%.2f G%s/s", r / 1e9, unit);
    else
        snprintf(buf, len, "%.1f M%s/s", r / 1e6, unit);
}

static void run_arith(void)
{
    struct rate clk = measure(k_clock, 32.0);
    g_clock_best = clk.best;
    printf("### Arithmetic ceilings, one core (double precision; %d chains; median of %d "
           "repeats >= %.2f s)\n\n",
           NCH, g_reps, g_min_time);
    printf("| operation | instruction | width | rate per core (median) | fastest repeat | "
           "per cycle | spread | CPU share |\n");
    printf("|---|---|---|---:|---:|---:|---:|---:|\n");
    printf("| core clock (estimate) | dependent `add r64` chain | - | %.3f GHz | %.3f GHz | 1 | "
           "%.1f%% | %.0f%% |\n",
           clk.rate / 1e9, clk.best / 1e9, 100.0 * clk.spread, 100.0 * clk.cpu);

    struct {
        const char *op, *insn, *width, *unit;
        kernel_fn k;
        int lanes;
    } rows[] = {
        {"FMA", "vfmadd132sd", "scalar (1 lane)", "FMA", k_fma1, 1},
        {"FMA", "vfmadd132pd ymm", "256-bit (4 lanes)", "FMA", k_fma4, 4},
        {"FMA", "vfmadd132pd zmm", "512-bit (8 lanes)", "FMA", K512(k_fma8), 8},
        {"add", "vaddsd", "scalar (1 lane)", "add", k_add1, 1},
        {"add", "vaddpd ymm", "256-bit (4 lanes)", "add", k_add4, 4},
        {"add", "vaddpd zmm", "512-bit (8 lanes)", "add", K512(k_add8), 8},
        {"mul", "vmulsd", "scalar (1 lane)", "mul", k_mul1, 1},
        {"mul", "vmulpd ymm", "256-bit (4 lanes)", "mul", k_mul4, 4},
        {"mul", "vmulpd zmm", "512-bit (8 lanes)", "mul", K512(k_mul8), 8},
        {"mul + add (1:1)", "vmulsd + vaddsd", "scalar (1 lane)", "op", k_muladd1, 1},
        {"mul + add (1:1)", "vmulpd + vaddpd ymm", "256-bit (4 lanes)", "op", k_muladd4, 4},
        {"mul + add (1:1)", "vmulpd + vaddpd zmm", "512-bit (8 lanes)", "op", K512(k_muladd8), 8},
        {"div", "vdivsd", "scalar (1 lane)", "div", k_div1, 1},
        {"div", "vdivpd ymm", "256-bit (4 lanes)", "div", k_div4, 4},
        {"div", "vdivpd zmm", "512-bit (8 lanes)", "div", K512(k_div8), 8},
        {"sqrt", "vsqrtsd", "scalar (1 lane)", "sqrt", k_sqrt1, 1},
        {"sqrt", "vsqrtpd ymm", "256-bit (4 lanes)", "sqrt", k_sqrt4, 4},
        {"sqrt", "vsqrtpd zmm", "512-bit (8 lanes)", "sqrt", K512(k_sqrt8), 8},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (!rows[i].k) {
            printf("| %s | %s | %s | n/a (built without AVX-512F) | | | | |\n", rows[i].op,
                   rows[i].insn, rows[i].width);
            continue;
        }
        struct rate r = measure(rows[i].k, (double)(NCH * rows[i].lanes));
        char buf[64], bbuf[64];
        fmt_rate(buf, sizeof buf, r.rate, rows[i].unit);
        fmt_rate(bbuf, sizeof bbuf, r.best, rows[i].unit);
        printf("| %s | %s | %s | %s | %s | %.2f | %.1f%% | %.0f%% |\n", rows[i].op, rows[i].insn,
               rows[i].width, buf, bbuf, r.best / g_clock_best, 100.0 * r.spread,
               100.0 * r.cpu);
        fflush(stdout);
    }
    printf("\nRates count one operation per lane (an FMA is one operation; x2 for flops). "
           "per cycle = fastest repeat / fastest clock repeat. spread = (slowest - fastest) / "
           "median. CPU share = thread CPU time / wall time (below 100%%: another process had "
           "the core).\n\n");
}

/* ------------------------------------------------------------------------------------------
 * exp / log
 * ---------------------------------------------------------------------------------------- */
#define TP_N 1024 /* throughput array: 8 KiB, in L1 */
static double g_tp[TP_N] __attribute__((aligned(64)));

/* Each variant gets apply_ID (array in, array out: accuracy) and thr_ID (reps passes over
 * g_tp, results summed: throughput). The empty asm with a memory clobber at each pass stops
 * GCC from reusing a const function's results across passes. */
#define SCALAR_VARIANT(ID, CALL)                                                                 \
    static void apply_##ID(double *o, const double *x, size_t n)                                 \
    {                                                                                            \
        for (size_t i = 0; i < n; i++)                                                           \
            o[i] = CALL(x[i]);                                                                   \
    }                                                                                            \
    static __attribute__((noinline)) double thr_##ID(long reps)                                  \
    {                                                                                            \
        double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;                                           \
        for (long r = 0; r < reps; r++) {                                                        \
            __asm__ volatile("" ::: "memory");                                                   \
            for (int i = 0; i < TP_N; i += 4) {                                                  \
                s0 += CALL(g_tp[i]);                                                             \
                s1 += CALL(g_tp[i + 1]);                                                         \
                s2 += CALL(g_tp[i + 2]);                                                         \
                s3 += CALL(g_tp[i + 3]);                                                         \
            }                                                                                    \
        }                                                                                        \
        return (s0 + s1) + (s2 + s3);                                                            \
    }

#define VEC_VARIANT(ID, CALL, VT, W, LOADU, LOAD, STOREU, ADD, ZERO, RED)                      \
    static void apply_##ID(double *o, const double *x, size_t n)                                 \
    {                                                                                            \
        for (size_t i = 0; i < n; i += W)                                                        \
            STOREU(o + i, CALL(LOADU(x + i)));                                                   \
    }                                                                                            \
    static __attribute__((noinline)) double thr_##ID(long reps)                                  \
    {                                                                                            \
        VT s0 = ZERO(), s1 = ZERO();                                                             \
        for (long r = 0; r < reps; r++) {                                                        \
            __asm__ volatile("" ::: "memory");                                                   \
            for (int i = 0; i < TP_N; i += 2 * W) {                                              \
                s0 = ADD(s0, CALL(LOAD(g_tp + i)));                                              \
                s1 = ADD(s1, CALL(LOAD(g_tp + i + W)));                                          \
            }                                                                                    \
        }                                                                                        \
        return RED(ADD(s0, s1));                                                                 \
    }

static double red2(__m128d x) { return _mm_cvtsd_f64(x) + _mm_cvtsd_f64(_mm_unpackhi_pd(x, x)); }
#define V2(ID, CALL) VEC_VARIANT(ID, CALL, __m128d, 2, _mm_loadu_pd, _mm_load_pd, _mm_storeu_pd, \
                                 _mm_add_pd, _mm_setzero_pd, red2)
#define V4(ID, CALL) VEC_VARIANT(ID, CALL, __m256d, 4, _mm256_loadu_pd, _mm256_load_pd,          \
                                 _mm256_storeu_pd, _mm256_add_pd, _mm256_setzero_pd, red4)
#define V8(ID, CALL) VEC_VARIANT(ID, CALL, __m512d, 8, _mm512_loadu_pd, _mm512_load_pd,          \
                                 _mm512_storeu_pd, _mm512_add_pd, _mm512_setzero_pd, red8)

SCALAR_VARIANT(glibc_exp, exp)
SCALAR_VARIANT(glibc_log, log)
V2(mvec2_exp, _ZGVbN2v_exp)
V2(mvec2_log, _ZGVbN2v_log)
V4(mvec4_exp, _ZGVdN4v_exp)
V4(mvec4_log, _ZGVdN4v_log)
#ifdef __AVX512F__
V8(mvec8_exp, _ZGVeN8v_exp)
V8(mvec8_log, _ZGVeN8v_log)
#endif
#ifdef PSW_HAVE_SLEEF
V4(sleef4_exp_u10, Sleef_expd4_u10avx2)
V4(sleef4_log_u10, Sleef_logd4_u10avx2)
V4(sleef4_log_u35, Sleef_logd4_u35avx2)
#ifdef __AVX512F__
V8(sleef8_exp_u10, Sleef_expd8_u10avx512f)
V8(sleef8_log_u10, Sleef_logd8_u10avx512f)
V8(sleef8_log_u35, Sleef_logd8_u35avx512f)
#endif
#endif

typedef void (*apply_fn)(double *, const double *, size_t);

struct variant {
    int fn;            /* 0 exp, 1 log */
    const char *impl;  /* implementation, as printed */
    const char *sym;   /* function called */
    int lanes;
    apply_fn apply;    /* NULL: not available, see why */
    kernel_fn thr;
    const char *why;
};

#define VAR(FN, IMPL, SYM, L, ID) {FN, IMPL, SYM, L, apply_##ID, thr_##ID, NULL}
#define NOVAR(FN, IMPL, SYM, L, WHY) {FN, IMPL, SYM, L, NULL, NULL, WHY}
#ifdef __AVX512F__
#define VAR8(FN, IMPL, SYM, ID) VAR(FN, IMPL, SYM, 8, ID)
#else
#define VAR8(FN, IMPL, SYM, ID) NOVAR(FN, IMPL, SYM, 8, "n/a (built without AVX-512F)")
#endif
#define NO_SLEEF "not installed (libsleef-dev)"

static const struct variant g_variants[] = {
    VAR(0, "glibc libm (scalar loop)", "exp", 1, glibc_exp),
    VAR(0, "glibc libmvec SSE4", "_ZGVbN2v_exp", 2, mvec2_exp),
    VAR(0, "glibc libmvec AVX2", "_ZGVdN4v_exp", 4, mvec4_exp),
    VAR8(0, "glibc libmvec AVX-512", "_ZGVeN8v_exp", mvec8_exp),
#ifdef PSW_HAVE_SLEEF
    VAR(0, "SLEEF u10 AVX2", "Sleef_expd4_u10avx2", 4, sleef4_exp_u10),
    VAR8(0, "SLEEF u10 AVX-512", "Sleef_expd8_u10avx512f", sleef8_exp_u10),
#else
    NOVAR(0, "SLEEF u10 AVX2", "Sleef_expd4_u10avx2", 4, NO_SLEEF),
    NOVAR(0, "SLEEF u10 AVX-512", "Sleef_expd8_u10avx512f", 8, NO_SLEEF),
#endif
    VAR(1, "glibc libm (scalar loop)", "log", 1, glibc_log),
    VAR(1, "glibc libmvec SSE4", "_ZGVbN2v_log", 2, mvec2_log),
    VAR(1, "glibc libmvec AVX2", "_ZGVdN4v_log", 4, mvec4_log),
    VAR8(1, "glibc libmvec AVX-512", "_ZGVeN8v_log", mvec8_log),
#ifdef PSW_HAVE_SLEEF
    VAR(1, "SLEEF u10 AVX2", "Sleef_logd4_u10avx2", 4, sleef4_log_u10),
    VAR8(1, "SLEEF u10 AVX-512", "Sleef_logd8_u10avx512f", sleef8_log_u10),
    VAR(1, "SLEEF u35 AVX2", "Sleef_logd4_u35avx2", 4, sleef4_log_u35),
    VAR8(1, "SLEEF u35 AVX-512", "Sleef_logd8_u35avx512f", sleef8_log_u35),
#else
    NOVAR(1, "SLEEF u10 AVX2", "Sleef_logd4_u10avx2", 4, NO_SLEEF),
    NOVAR(1, "SLEEF u10 AVX-512", "Sleef_logd8_u10avx512f", 8, NO_SLEEF),
    NOVAR(1, "SLEEF u35 AVX2", "Sleef_logd4_u35avx2", 4, NO_SLEEF),
    NOVAR(1, "SLEEF u35 AVX-512", "Sleef_logd8_u35avx512f", 8, NO_SLEEF),
#endif
};
#define NVAR (sizeof g_variants / sizeof g_variants[0])

/* splitmix64: reproducible arguments on every machine */
static uint64_t g_rng = 0x9E3779B97F4A7C15u;
static double uniform01(void)
{
    uint64_t z = (g_rng += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1p-53;
}

/* Uniform ranges: x = lo + (hi - lo) u. The "log-uniform" range: x = m 2^e with e uniform in
 * [-996, 995] and m uniform in [1, 2) with all 52 fraction bits random, i.e. 2^-996 (1.5e-300)
 * to 2^996 (6.7e299), the same count in every binade. (Not x = exp(u): log of that lies
 * within ~0.01 ulp of the double u, which makes any log look correctly rounded.) */
struct range {
    int fn;
    const char *name;
    double lo, hi;
    int log_uniform;
};
static const struct range g_ranges[] = {
    {0, "[-20, 20]", -20.0, 20.0, 0},
    {0, "[-700, 700]", -700.0, 700.0, 0},
    {1, "[0.5, 2]", 0.5, 2.0, 0},
    {1, "[1e-300, 1e300] log-unif.", -996.0, 996.0, 1},
};

static void gen_args(const struct range *rg, double *x, size_t n)
{
    g_rng = 0x9E3779B97F4A7C15u * (uint64_t)(1 + (rg - g_ranges));
    for (size_t i = 0; i < n; i++) {
        double u = uniform01();
        if (rg->log_uniform) {
            int e = (int)floor(rg->lo + (rg->hi - rg->lo) * u);
            x[i] = ldexp(1.0 + uniform01(), e);
        } else {
            x[i] = rg->lo + (rg->hi - rg->lo) * u;
        }
    }
}

/* Error of y in units in the last place of the exact value r (approximated by the long double
 * reference): |y - r| / 2^(e - 53), where r = f * 2^e with 0.5 <= |f| < 1 (frexpl), i.e. the
 * spacing of doubles in r's binade (subnormal spacing 2^-1074 below DBL_MIN). */
static double ulp_error(double y, long double r)
{
    if (isnan(y) || isinf(y))
        return isinf(y) && isinf(r) && (y > 0) == (r > 0) ? 0.0 : (double)INFINITY;
    if (r == 0.0L)
        return y == 0.0 ? 0.0 : fabs(y) / 0x1p-1074;
    int e;
    (void)frexpl(r, &e);
    int ue = e - 53 < -1074 ? -1074 : e - 53;
    return (double)(fabsl((long double)y - r) / ldexpl(1.0L, ue));
}

struct result {
    struct rate thr;
    double max_ulp, mean_ulp, arg_max;
    size_t same_as_scalar; /* results bitwise equal to glibc's scalar exp/log */
    long diff_prev;        /* results differing from the previous (narrower) variant of the
                              same library, -1 if there is none */
};

/* "glibc libmvec AVX2" -> length of "glibc libmvec": variants of one library, one ISA each */
static size_t family_len(const char *impl)
{
    const char *sp = strrchr(impl, ' ');
    return sp ? (size_t)(sp - impl) : strlen(impl);
}

static void run_math(void)
{
    size_t n = g_acc_n;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    double *ysc = malloc(n * sizeof *ysc), *yprev = malloc(n * sizeof *yprev);
    long double *ref = malloc(n * sizeof *ref);
    if (!x || !y || !ysc || !yprev || !ref) {
        fprintf(stderr, "peak: out of memory\n");
        exit(1);
    }
    struct result res[NVAR][2];
    memset(res, 0, sizeof res);

    for (int fn = 0; fn < 2; fn++) {
        const struct range *rg[2];
        int nr = 0;
        for (size_t i = 0; i < sizeof g_ranges / sizeof g_ranges[0]; i++)
            if (g_ranges[i].fn == fn)
                rg[nr++] = &g_ranges[i];
        for (int ri = 0; ri < 2; ri++) {
            gen_args(rg[ri], x, n);
            for (size_t i = 0; i < n; i++)
                ref[i] = fn == 0 ? expl((long double)x[i]) : logl((long double)x[i]);
            memcpy(g_tp, x, sizeof g_tp);
            for (size_t v = 0; v < NVAR; v++) {
                const struct variant *va = &g_variants[v];
                if (va->fn != fn || !va->apply)
                    continue;
                va->apply(y, x, n);
                const struct variant *prev = v > 0 ? &g_variants[v - 1] : NULL;
                int same_family = prev && prev->fn == fn && prev->apply &&
                                  family_len(prev->impl) == family_len(va->impl) &&
                                  !strncmp(prev->impl, va->impl, family_len(va->impl));
                if (va->lanes == 1)
                    memcpy(ysc, y, n * sizeof *y);
                size_t same = 0, diff = 0;
                for (size_t i = 0; i < n; i++) {
                    same += !memcmp(&y[i], &ysc[i], sizeof y[i]);
                    diff += same_family && memcmp(&y[i], &yprev[i], sizeof y[i]);
                }
                res[v][ri].same_as_scalar = same;
                res[v][ri].diff_prev = same_family ? (long)diff : -1;
                memcpy(yprev, y, n * sizeof *y);
                double mx = 0.0, sum = 0.0, amx = x[0];
                for (size_t i = 0; i < n; i++) {
                    double e = ulp_error(y[i], ref[i]);
                    sum += e;
                    if (e > mx) {
                        mx = e;
                        amx = x[i];
                    }
                }
                res[v][ri].max_ulp = mx;
                res[v][ri].mean_ulp = sum / (double)n;
                res[v][ri].arg_max = amx;
                res[v][ri].thr = measure(va->thr, (double)TP_N);
            }
        }

        printf("### %s, one core (throughput: %d doubles in L1, median of %d repeats >= "
               "%.2f s; accuracy: %zu random arguments per range)\n\n",
               fn == 0 ? "exp" : "log", TP_N, g_reps, g_min_time, n);
        printf("| implementation | function | lanes | %s: rate per core (median) | cycles/elem | "
               "max ulp | mean ulp | %s: rate per core (median) | cycles/elem | max ulp | "
               "mean ulp |\n",
               rg[0]->name, rg[1]->name);
        printf("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (size_t v = 0; v < NVAR; v++) {
            const struct variant *va = &g_variants[v];
            if (va->fn != fn)
                continue;
            printf("| %s | `%s` | %d |", va->impl, va->sym, va->lanes);
            if (!va->apply) {
                printf(" %s | | | | | | | |\n", va->why);
                continue;
            }
            for (int ri = 0; ri < 2; ri++) {
                const struct result *r = &res[v][ri];
                char buf[64];
                fmt_rate(buf, sizeof buf, r->thr.rate, "elem");
                printf(" %s | %.1f | %.3f | %.4f |", buf,
                       g_clock_best / r->thr.best, r->max_ulp, r->mean_ulp);
            }
            printf("\n");
        }
        printf("\nBitwise (%s / %s): share of results identical to the scalar glibc call;",
               rg[0]->name, rg[1]->name);
        for (size_t v = 0; v < NVAR; v++) {
            const struct variant *va = &g_variants[v];
            if (va->fn != fn || !va->apply || va->lanes == 1)
                continue;
            printf(" %s %.1f%%/%.1f%%", va->sym, 100.0 * (double)res[v][0].same_as_scalar / (double)n,
                   100.0 * (double)res[v][1].same_as_scalar / (double)n);
            if (res[v][0].diff_prev >= 0)
                printf(" (%s the %d-lane variant: %ld/%ld differ)",
                       res[v][0].diff_prev + res[v][1].diff_prev ? "NOT identical to" : "identical to",
                       g_variants[v - 1].lanes, res[v][0].diff_prev, res[v][1].diff_prev);
            printf(";");
        }
        printf("\n\nNoisy (repeats spread > 10%% or CPU share < 97%%):");
        int noisy = 0;
        for (size_t v = 0; v < NVAR; v++)
            if (g_variants[v].fn == fn && g_variants[v].apply)
                for (int ri = 0; ri < 2; ri++)
                    if (res[v][ri].thr.spread > 0.10 || res[v][ri].thr.cpu < 0.97)
                        printf("%s %s/%d %s %.0f%%/%.0f%%", noisy++ ? "," : "", g_variants[v].sym,
                               g_variants[v].lanes, rg[ri]->name, 100.0 * res[v][ri].thr.spread,
                               100.0 * res[v][ri].thr.cpu);
        printf("%s\n\n", noisy ? "." : " none.");
        fflush(stdout);
    }
    printf("cycles/elem = fastest clock repeat / fastest repeat. ulp = |y - ref| / 2^(e-53) with ref = expl/logl(x) in long double (64-bit "
           "significand) and 2^(e-1) <= |ref| < 2^e: error relative to the spacing of doubles "
           "at the exact value; the reference itself is good to ~2^-11 ulp (see ref_check.py).\n");
    printf("Arguments of the largest errors:");
    for (size_t v = 0; v < NVAR; v++)
        if (g_variants[v].apply)
            printf(" %s %s/%d: %.17g, %.17g;", g_variants[v].fn ? "log" : "exp",
                   g_variants[v].sym, g_variants[v].lanes, res[v][0].arg_max, res[v][1].arg_max);
    printf("\n\n");
    free(x);
    free(y);
    free(ysc);
    free(yprev);
    free(ref);
}

/* x and the long double reference in hex, for ref_check.py (mpmath at 60 digits). */
static void dump_ref(int fn, size_t n)
{
    for (size_t i = 0; i < sizeof g_ranges / sizeof g_ranges[0]; i++) {
        if (g_ranges[i].fn != fn)
            continue;
        double *x = malloc(n * sizeof *x);
        if (!x)
            exit(1);
        gen_args(&g_ranges[i], x, n);
        for (size_t j = 0; j < n; j++)
            printf("%a %La\n", x[j], fn == 0 ? expl((long double)x[j]) : logl((long double)x[j]));
        free(x);
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: peak [-s arith|math|all] [-t SECONDS] [-r REPEATS] [-n SAMPLES]\n"
                    "       peak --dump-ref exp|log N\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *section = "all";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--dump-ref") && i + 2 < argc) {
            dump_ref(!strcmp(argv[i + 1], "log"), (size_t)strtoul(argv[i + 2], NULL, 10));
            return 0;
        }
        if (i + 1 >= argc)
            usage();
        if (!strcmp(argv[i], "-s"))
            section = argv[++i];
        else if (!strcmp(argv[i], "-t"))
            g_min_time = atof(argv[++i]);
        else if (!strcmp(argv[i], "-r"))
            g_reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-n"))
            g_acc_n = (size_t)strtoul(argv[++i], NULL, 10) / 8 * 8;
        else
            usage();
    }
    if (g_reps < 1 || g_reps > MAX_REPS || g_min_time <= 0 || g_acc_n < TP_N)
        usage();
    int arith = !strcmp(section, "all") || !strcmp(section, "arith");
    int math = !strcmp(section, "all") || !strcmp(section, "math");
    if (!arith && !math)
        usage();
    if (arith)
        run_arith();
    else
        g_clock_best = measure(k_clock, 32.0).best;
    if (math)
        run_math();
    return 0;
}
