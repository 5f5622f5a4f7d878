/*
 * optlab_blas: float64 GEMM on the system BLAS (cblas_dgemm), as a Node-API addon.
 *
 * dgemm(a, b, out, batch, m, k, n, transA, transB, batchA, batchB)
 *   a, b, out: Float64Array (read in place, no copy). out[t] (m×n, row-major) = op(A[t])·op(B[t]),
 *   op(A) m×k (A stored k×m when transA), op(B) k×n (B stored n×k when transB); batchA/batchB
 *   false: that operand is one matrix shared by every batch item. The caller checks lengths.
 *   Products with a small inner dimension and A not transposed (a layer's width: the HVP's
 *   shapes) go to the small-k kernel (small_gemm.c), the rest to cblas_dgemm.
 * setSmallGemm(on): route to the small-k kernel or not (benches and tests); returns the old state.
 * dgemv(a, x, y, m, n, trans, alpha, beta): y = alpha·op(A)·x + beta·y (see below).
 * setThreads(n): the BLAS thread count (openblas_set_num_threads). Set to 1 at load so results
 *   compare against one-thread peers; the loader applies OPTLAB_BLAS_THREADS when set.
 * getThreads(), config(): the current count and the library's build string.
 * binary(op, a, b, out), accumulate(p, x), reduceSum(x, outer, len, inner, out): float64
 *   elementwise kernels and sums (elementwise.c).
 */
#include <node_api.h>
#include <cblas.h>
#include <stdbool.h>
#include <stddef.h>

bool optlab_small_gemm_fits(int64_t m, int64_t k, int64_t n, bool ta);
bool optlab_small_gemm(const double *A, const double *B, double *C, int64_t m, int64_t k, int64_t n, bool tb);
bool optlab_small_gemm_enable(bool on);

/* OpenBLAS extensions (declared here so any cblas.h works; the addon links -lopenblas). */
void openblas_set_num_threads(int);
int openblas_get_num_threads(void);
char *openblas_get_config(void);

#define CHECK(call)                                                    \
  do {                                                                 \
    if ((call) != napi_ok) {                                           \
      napi_throw_error(env, NULL, "optlab_blas: N-API call failed: " #call); \
      return NULL;                                                     \
    }                                                                  \
  } while (0)

/* False unless v is a Float64Array; *data may be NULL for an empty one. */
static bool f64_data(napi_env env, napi_value v, double **data, size_t *len) {
  napi_typedarray_type type;
  void *d = NULL;
  if (napi_get_typedarray_info(env, v, &type, len, &d, NULL, NULL) != napi_ok || type != napi_float64_array) return false;
  *data = (double *)d;
  return true;
}

static napi_value dgemm(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 11) {
    napi_throw_type_error(env, NULL, "optlab_blas.dgemm: expected 11 arguments");
    return NULL;
  }
  size_t la, lb, lc;
  double *a, *b, *c;
  if (!f64_data(env, argv[0], &a, &la) || !f64_data(env, argv[1], &b, &lb) || !f64_data(env, argv[2], &c, &lc)) {
    napi_throw_type_error(env, NULL, "optlab_blas.dgemm: a, b and out must be Float64Array");
    return NULL;
  }
  int64_t dims[4];
  for (int i = 0; i < 4; i++) CHECK(napi_get_value_int64(env, argv[3 + i], &dims[i]));
  bool flags[4];
  for (int i = 0; i < 4; i++) CHECK(napi_get_value_bool(env, argv[7 + i], &flags[i]));
  int64_t batch = dims[0], m = dims[1], k = dims[2], n = dims[3];
  if (batch < 0 || m < 0 || k < 0 || n < 0 || (size_t)(batch * m * n) > lc ||
      (size_t)((flags[2] ? batch : 1) * m * k) > la || (size_t)((flags[3] ? batch : 1) * k * n) > lb) {
    napi_throw_range_error(env, NULL, "optlab_blas.dgemm: shapes do not fit the arrays");
    return NULL;
  }
  if (m == 0 || n == 0) return NULL;
  const bool ta = flags[0], tb = flags[1];
  for (int64_t t = 0; t < batch; t++) {
    const double *A = a + (flags[2] ? t * m * k : 0);
    const double *B = b + (flags[3] ? t * k * n : 0);
    double *C = c + t * m * n;
    if (k == 0) {
      for (int64_t i = 0; i < m * n; i++) C[i] = 0;
      continue;
    }
    if (optlab_small_gemm_fits(m, k, n, ta) && optlab_small_gemm(A, B, C, m, k, n, tb)) continue;
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
                1.0, A, ta ? (int)m : (int)k, B, tb ? (int)k : (int)n, 0.0, C, (int)n);
  }
  return NULL;
}

/*
 * dgemv(a, x, y, m, n, trans, alpha, beta): y = alpha·op(A)·x + beta·y for row-major A (m×n),
 * op(A) = Aᵀ when trans. Matrix–vector products through dgemm (n = 1) pack the whole matrix
 * first; Lanczos reorthogonalizes against a basis of ~10⁴ × 10² this way every step.
 */
static napi_value dgemv(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  double *a, *x, *y;
  size_t la, lx, ly;
  int64_t m, n;
  bool trans;
  double alpha, beta;
  if (argc != 8 || !f64_data(env, argv[0], &a, &la) || !f64_data(env, argv[1], &x, &lx) || !f64_data(env, argv[2], &y, &ly) ||
      napi_get_value_int64(env, argv[3], &m) != napi_ok || napi_get_value_int64(env, argv[4], &n) != napi_ok ||
      napi_get_value_bool(env, argv[5], &trans) != napi_ok || napi_get_value_double(env, argv[6], &alpha) != napi_ok ||
      napi_get_value_double(env, argv[7], &beta) != napi_ok) {
    napi_throw_type_error(env, NULL, "optlab_blas.dgemv: expected (a, x, y: Float64Array, m, n, trans, alpha, beta)");
    return NULL;
  }
  if (m < 0 || n < 0 || (size_t)(m * n) > la || (size_t)(trans ? m : n) > lx || (size_t)(trans ? n : m) > ly) {
    napi_throw_range_error(env, NULL, "optlab_blas.dgemv: shapes do not fit the arrays");
    return NULL;
  }
  if (m == 0 || n == 0) {
    size_t len = (size_t)(trans ? n : m);
    for (size_t i = 0; i < len; i++) y[i] *= beta;
    return NULL;
  }
  cblas_dgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, (int)m, (int)n, alpha, a, (int)n, x, 1, beta, y, 1);
  return NULL;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t t;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 1 || napi_get_value_int32(env, argv[0], &t) != napi_ok || t < 1) {
    napi_throw_range_error(env, NULL, "optlab_blas.setThreads: expected a positive integer");
    return NULL;
  }
  openblas_set_num_threads(t);
  return NULL;
}

static napi_value set_small_gemm(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], r;
  bool on;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 1 || napi_get_value_bool(env, argv[0], &on) != napi_ok) {
    napi_throw_type_error(env, NULL, "optlab_blas.setSmallGemm: expected a boolean");
    return NULL;
  }
  CHECK(napi_get_boolean(env, optlab_small_gemm_enable(on), &r));
  return r;
}

static napi_value get_threads(napi_env env, napi_callback_info info) {
  napi_value r;
  CHECK(napi_create_int32(env, openblas_get_num_threads(), &r));
  return r;
}

static napi_value config(napi_env env, napi_callback_info info) {
  napi_value r;
  CHECK(napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &r));
  return r;
}

napi_value optlab_binary(napi_env env, napi_callback_info info);
napi_value optlab_accumulate(napi_env env, napi_callback_info info);
napi_value optlab_reduce_sum(napi_env env, napi_callback_info info);

static napi_value init(napi_env env, napi_value exports) {
  openblas_set_num_threads(1);
  napi_property_descriptor props[] = {
      {"dgemm", NULL, dgemm, NULL, NULL, NULL, napi_default, NULL},
      {"dgemv", NULL, dgemv, NULL, NULL, NULL, napi_default, NULL},
      {"setSmallGemm", NULL, set_small_gemm, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"getThreads", NULL, get_threads, NULL, NULL, NULL, napi_default, NULL},
      {"config", NULL, config, NULL, NULL, NULL, napi_default, NULL},
      {"binary", NULL, optlab_binary, NULL, NULL, NULL, napi_default, NULL},
      {"accumulate", NULL, optlab_accumulate, NULL, NULL, NULL, napi_default, NULL},
      {"reduceSum", NULL, optlab_reduce_sum, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
