/*
 * Float64 elementwise kernels of the HVP's reverse sweeps, in the same addon as the GEMM.
 *
 * binary(op, a, b, out): out = a op b elementwise on equal-length Float64Arrays (op codes below).
 * accumulate(p, x):      p += x.
 * reduceSum(x, outer, len, inner, out): sums over the middle axis (below).
 *
 * Why native: V8 runs these loops one element at a time (no auto-vectorization); compiled C moves
 * 2–4 doubles per instruction. Built with -ffp-contract=off and no fast-math, each element is the
 * same IEEE-754 operations in the same order as the scalar definitions in cpu.ts, so results are
 * bit-identical to the JS loops they replace.
 */
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { OP_ADD = 0, OP_SUB = 1, OP_MUL = 2, OP_DIV = 3, OP_TANH_GRAD = 4, OP_SIGMOID_GRAD = 5, OP_SIGMOID_GRAD_Y = 6, OP_MUL_NEG2 = 7, OP_RELU_GRAD = 8 };

static bool f64_array(napi_env env, napi_value v, double **data, size_t *len) {
  napi_typedarray_type type;
  void *d = NULL;
  if (napi_get_typedarray_info(env, v, &type, len, &d, NULL, NULL) != napi_ok || type != napi_float64_array) return false;
  *data = (double *)d;
  return true;
}

static void run(int op, const double *restrict a, const double *restrict b, double *restrict o, size_t n) {
  switch (op) {
    case OP_ADD: for (size_t i = 0; i < n; i++) o[i] = a[i] + b[i]; break;
    case OP_SUB: for (size_t i = 0; i < n; i++) o[i] = a[i] - b[i]; break;
    case OP_MUL: for (size_t i = 0; i < n; i++) o[i] = a[i] * b[i]; break;
    case OP_DIV: for (size_t i = 0; i < n; i++) o[i] = a[i] / b[i]; break;
    case OP_TANH_GRAD: for (size_t i = 0; i < n; i++) { double y = b[i]; o[i] = a[i] * (1 - y * y); } break;
    case OP_SIGMOID_GRAD: for (size_t i = 0; i < n; i++) { double y = b[i]; o[i] = a[i] * (y * (1 - y)); } break;
    case OP_SIGMOID_GRAD_Y: for (size_t i = 0; i < n; i++) o[i] = a[i] * (1 - 2 * b[i]); break;
    case OP_MUL_NEG2: for (size_t i = 0; i < n; i++) o[i] = -(a[i] * (b[i] * 2)); break;
    case OP_RELU_GRAD: for (size_t i = 0; i < n; i++) o[i] = a[i] * (b[i] > 0 ? 1.0 : 0.0); break;
  }
}

napi_value optlab_binary(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t op;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 4 ||
      napi_get_value_int32(env, argv[0], &op) != napi_ok || op < OP_ADD || op > OP_RELU_GRAD) {
    napi_throw_type_error(env, NULL, "optlab_blas.binary: expected (op code 0-8, a, b, out)");
    return NULL;
  }
  double *a, *b, *o;
  size_t la, lb, lo;
  if (!f64_array(env, argv[1], &a, &la) || !f64_array(env, argv[2], &b, &lb) || !f64_array(env, argv[3], &o, &lo) || la != lo || lb != lo) {
    napi_throw_type_error(env, NULL, "optlab_blas.binary: a, b and out must be Float64Arrays of one length");
    return NULL;
  }
  /* The restrict-qualified loops may not see out overlap an input unless it is the very same array. */
  if (o != a && o != b) run(op, a, b, o, lo);
  else {
    for (size_t i = 0; i < lo; i++) {
      double t;
      const double *ai = a + i, *bi = b + i;
      run(op, ai, bi, &t, 1);
      o[i] = t;
    }
  }
  return NULL;
}

napi_value optlab_accumulate(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  double *p, *x;
  size_t lp, lx;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 2 || !f64_array(env, argv[0], &p, &lp) ||
      !f64_array(env, argv[1], &x, &lx) || lp != lx) {
    napi_throw_type_error(env, NULL, "optlab_blas.accumulate: expected two Float64Arrays of one length");
    return NULL;
  }
  if (p == x) {
    for (size_t i = 0; i < lp; i++) p[i] += p[i];
    return NULL;
  }
  double *restrict pr = p;
  const double *restrict xr = x;
  for (size_t i = 0; i < lp; i++) pr[i] += xr[i];
  return NULL;
}

/*
 * reduceSum(x, outer, len, inner, out): out[o, i] = Σ_r x[o, r, i], each sum taken in increasing r
 * starting from 0 (the order of cpu.ts's loop, so the result is bit-identical to it).
 */
napi_value optlab_reduce_sum(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  double *x, *out;
  size_t lx, lo;
  int64_t d[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 5 || !f64_array(env, argv[0], &x, &lx) ||
      !f64_array(env, argv[4], &out, &lo) || napi_get_value_int64(env, argv[1], &d[0]) != napi_ok ||
      napi_get_value_int64(env, argv[2], &d[1]) != napi_ok || napi_get_value_int64(env, argv[3], &d[2]) != napi_ok ||
      d[0] < 0 || d[1] < 0 || d[2] < 0 || (size_t)(d[0] * d[1] * d[2]) > lx || (size_t)(d[0] * d[2]) > lo) {
    napi_throw_type_error(env, NULL, "optlab_blas.reduceSum: expected (x, outer, len, inner, out) with shapes that fit");
    return NULL;
  }
  const int64_t outer = d[0], len = d[1], inner = d[2];
  for (int64_t o = 0; o < outer; o++) {
    double *restrict acc = out + o * inner;
    const double *restrict base = x + o * len * inner;
    if (inner == 1) {
      double s = 0;
      for (int64_t r = 0; r < len; r++) s += base[r];
      acc[0] = s;
      continue;
    }
    for (int64_t i = 0; i < inner; i++) acc[i] = 0;
    for (int64_t r = 0; r < len; r++) {
      const double *restrict row = base + r * inner;
      for (int64_t i = 0; i < inner; i++) acc[i] += row[i];
    }
  }
  return NULL;
}
