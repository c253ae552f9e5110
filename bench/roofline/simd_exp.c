/* simd_exp.c: glibc's vector exp/log (libmvec) from a `#pragma omp simd` loop, with GCC 12,
 * in strict C17 and WITHOUT -ffast-math (no -ffast-math, no -fno-math-errno, nothing global).
 *
 *   cc -std=c17 -O3 -march=native -fopenmp-simd simd_exp.c -lm
 *
 * <math.h> marks exp/log `declare simd` only under __FAST_MATH__. Re-declaring them with
 * `#pragma omp declare simd notinbranch` tells GCC that the x86_64 vector-ABI variants exist
 * (_ZGVbN2v_exp SSE4, _ZGVcN4v_exp AVX, _ZGVdN4v_exp AVX2, _ZGVeN8v_exp AVX-512: exactly
 * the set libmvec exports). GCC then calls them, but only in loops it vectorises under
 * `#pragma omp simd`: every other exp/log call in the file stays the scalar, errno-setting,
 * glibc call (< 0.52 ulp). With -march=native on this AVX-512 machine the main loop
 * calls _ZGVeN8v_exp (8 lanes); the remainder uses _ZGVdN4v_exp and then scalar exp.
 * Linking `-lsleefgnuabi` before `-lm` makes the same binary code call SLEEF's (u10)
 * implementations of the same symbols instead of libmvec's.
 *
 * As a program: times the two loops below over 1024 doubles (in L1) and checks them against
 * the scalar calls. run.sh builds it, shows the objdump lines proving the vector calls and runs
 * it. Usage: simd_exp [SECONDS_PER_REPEAT [REPEATS]].
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* ---- the snippet: put this after #include <math.h> in the translation unit ---- */
#pragma omp declare simd notinbranch
double exp(double);
#pragma omp declare simd notinbranch
double log(double);

void psw_vexp(double *restrict y, const double *restrict x, int n);
void psw_vlog(double *restrict y, const double *restrict x, int n);

void psw_vexp(double *restrict y, const double *restrict x, int n)
{
#pragma omp simd
    for (int i = 0; i < n; i++)
        y[i] = exp(x[i]);
}

void psw_vlog(double *restrict y, const double *restrict x, int n)
{
#pragma omp simd
    for (int i = 0; i < n; i++)
        y[i] = log(x[i]);
}
/* ---- end of snippet ---- */

#define N 1024
static double g_x[N], g_y[N];
static volatile double g_sink;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef void (*loop_fn)(double *restrict, const double *restrict, int);

/* elements per second: median of `reps` repeats of >= min_time s each */
static double rate(loop_fn f, double min_time, int reps)
{
    long n = 16;
    double t;
    for (;;) {
        double t0 = now();
        for (long r = 0; r < n; r++) {
            f(g_y, g_x, N);
            __asm__ volatile("" ::: "memory");
        }
        t = now() - t0;
        if (t >= min_time)
            break;
        n = t < min_time / 16 ? n * 8 : (long)ceil((double)n * min_time / t * 1.15);
    }
    double ts[64];
    for (int k = 0; k < reps; k++) {
        double t0 = now();
        for (long r = 0; r < n; r++) {
            f(g_y, g_x, N);
            __asm__ volatile("" ::: "memory");
        }
        ts[k] = now() - t0;
        g_sink = g_sink + g_y[k];
    }
    qsort(ts, (size_t)reps, sizeof ts[0], cmp_double);
    double med = reps % 2 ? ts[reps / 2] : 0.5 * (ts[reps / 2 - 1] + ts[reps / 2]);
    return (double)n * N / med;
}

/* largest |vector - scalar| in units of the scalar result's last place */
static double max_ulp_vs_scalar(loop_fn f, double (*scalar)(double))
{
    f(g_y, g_x, N);
    double mx = 0.0;
    for (int i = 0; i < N; i++) {
        double s = scalar(g_x[i]);
        double d = fabs(g_y[i] - s) / (nextafter(fabs(s), INFINITY) - fabs(s));
        mx = d > mx ? d : mx;
    }
    return mx;
}

int main(int argc, char **argv)
{
    double min_time = argc > 1 ? atof(argv[1]) : 0.2;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (min_time <= 0 || reps < 1 || reps > 64) {
        fprintf(stderr, "usage: simd_exp [SECONDS_PER_REPEAT [REPEATS<=64]]\n");
        return 2;
    }
    unsigned long long z = 12345;
    for (int i = 0; i < N; i++) { /* exp: uniform [-20, 20] */
        z = z * 6364136223846793005ull + 1442695040888963407ull;
        g_x[i] = -20.0 + 40.0 * (double)(z >> 11) * 0x1p-53;
    }
    double r_exp = rate(psw_vexp, min_time, reps), u_exp = max_ulp_vs_scalar(psw_vexp, exp);
    for (int i = 0; i < N; i++) /* log: uniform [0.5, 2] */
        g_x[i] = 0.5 + 1.5 * (g_x[i] + 20.0) / 40.0;
    double r_log = rate(psw_vlog, min_time, reps), u_log = max_ulp_vs_scalar(psw_vlog, log);
    printf("| `#pragma omp simd` loop y[i] = exp(x[i]), x in [-20, 20] | %.2f Gelem/s | "
           "max %.2f ulp from scalar glibc exp |\n",
           r_exp / 1e9, u_exp);
    printf("| `#pragma omp simd` loop y[i] = log(x[i]), x in [0.5, 2] | %.2f Gelem/s | "
           "max %.2f ulp from scalar glibc log |\n",
           r_log / 1e9, u_log);
    return 0;
}
