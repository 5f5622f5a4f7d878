/*
 * Small-k float64 GEMM for optlab_blas: C (m×n) = A (m×k) · op(B), A row-major and not transposed,
 * op(B) = B (k×n) or Bᵀ (B stored n×k). For the skinny products of an MLP's HVP (k ≤ 128: a layer's
 * width) OpenBLAS spends more on packing and edge handling than on arithmetic; here B is packed
 * once into zero-padded rows of 16, and each 4×16 block of C is summed in registers over k.
 * Every element is Σ_p A[i,p]·B[p,j] in p order, multiplies and adds rounded separately (no FMA;
 * built with -ffp-contract=off), so each target clone gives the same bits.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef double v8 __attribute__((vector_size(64), aligned(8)));

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CLONES
#endif

#define SMALL_K_MAX 128
#define PACKED_MAX (1 << 15) /* doubles of packed B (256 KiB) */

/* Off: every product goes to cblas_dgemm (setSmallGemm(false), for benches and tests). */
static bool enabled = true;

bool optlab_small_gemm_enable(bool on) {
  const bool prev = enabled;
  enabled = on;
  return prev;
}

/*
 * The products routed here. Measured against OpenBLAS 0.3.21 (1 thread, warm caches, Zen 4), this
 * kernel took 0.55–0.77× the time on every such shape tried (m 32–1000, k 10–128, n 16–784, B
 * plain or transposed; bench/matmul.mjs prints the HVP shapes); n < 16 wastes most of a block and
 * large k leaves the regime, so both go to the BLAS.
 */
bool optlab_small_gemm_fits(int64_t m, int64_t k, int64_t n, bool ta) {
  const int64_t np = (n + 15) / 16 * 16;
  return enabled && !ta && m >= 32 && k >= 1 && k <= SMALL_K_MAX && n >= 16 && k * np <= PACKED_MAX;
}

CLONES static void kernel(const double *A, const double *Bp, double *C, int64_t m, int64_t k, int64_t n, int64_t np) {
  for (int64_t i = 0; i < m; i += 4) {
    const int rows = m - i < 4 ? (int)(m - i) : 4;
    const double *a[4];
    for (int r = 0; r < 4; r++) a[r] = A + (i + (r < rows ? r : 0)) * k;
    for (int64_t j = 0; j < np; j += 16) {
      v8 x0 = {0}, x1 = {0}, y0 = {0}, y1 = {0}, z0 = {0}, z1 = {0}, w0 = {0}, w1 = {0};
      const double *b = Bp + j;
      for (int64_t p = 0; p < k; p++, b += np) {
        v8 b0, b1;
        memcpy(&b0, b, sizeof b0);
        memcpy(&b1, b + 8, sizeof b1);
        const double e0 = a[0][p], e1 = a[1][p], e2 = a[2][p], e3 = a[3][p];
        x0 += e0 * b0; x1 += e0 * b1; y0 += e1 * b0; y1 += e1 * b1;
        z0 += e2 * b0; z1 += e2 * b1; w0 += e3 * b0; w1 += e3 * b1;
      }
      double out[4][16];
      memcpy(out[0], &x0, 64); memcpy(out[0] + 8, &x1, 64);
      memcpy(out[1], &y0, 64); memcpy(out[1] + 8, &y1, 64);
      memcpy(out[2], &z0, 64); memcpy(out[2] + 8, &z1, 64);
      memcpy(out[3], &w0, 64); memcpy(out[3] + 8, &w1, 64);
      const int64_t cols = n - j < 16 ? n - j : 16;
      for (int r = 0; r < rows; r++) memcpy(C + (i + r) * n + j, out[r], (size_t)cols * sizeof(double));
    }
  }
}

/* C = A·op(B) for a product optlab_small_gemm_fits accepted; false if the packing buffer could not be had. */
bool optlab_small_gemm(const double *A, const double *B, double *C, int64_t m, int64_t k, int64_t n, bool tb) {
  const int64_t np = (n + 15) / 16 * 16;
  double *Bp = malloc((size_t)(k * np) * sizeof(double));
  if (!Bp) return false;
  for (int64_t p = 0; p < k; p++) {
    double *row = Bp + p * np;
    if (tb) for (int64_t j = 0; j < n; j++) row[j] = B[j * k + p];
    else memcpy(row, B + p * n, (size_t)n * sizeof(double));
    for (int64_t j = n; j < np; j++) row[j] = 0;
  }
  kernel(A, Bp, C, m, k, n, np);
  free(Bp);
  return true;
}
