// Emits the WebAssembly text of optlab's float64 GEMM (f64x2 SIMD). The micro-kernel is
// unrolled by this generator rather than written out by hand, so its register block (MR rows ×
// NR columns) and cache blocks are parameters; build-wasm.mjs compiles the text with wabt into
// gemmWasmBytes.ts.
//
// Export (pointers are byte offsets into the exported memory, strides are in elements):
//   gemm(a, rsA, csA, b, rsB, csB, c, m, k, n, ap, bp, tile)
//     C (m×n, row-major, overwritten) = A·B with A(i,p) = a[i·rsA + p·csA] and
//     B(p,j) = b[p·rsB + j·csB]: a transposed operand is the same matrix with its strides swapped.
//     ap, bp, tile: scratch for the packed A block, the packed B block and one edge tile
//     (sizes: gemmScratch in gemmWasm.ts).
//
// Blocking (the Goto scheme): k in KC slices; per slice B is packed once into NR-column panels,
// A in MC-row blocks into MR-row panels; the micro-kernel then keeps an MR×NR tile of C in
// registers over the whole slice, reading both panels sequentially.

/**
 * @param {{ mr: number, nr: number, kc: number, mc: number, relaxed: boolean }} o
 *   mr × nr: register block (nr even: two f64 lanes per vector); kc, mc: cache blocks;
 *   relaxed: f64x2.relaxed_madd (fused or not, the engine's choice) in place of mul + add.
 */
export function gemmWat({ mr, nr, kc, mc, relaxed }) {
  if (nr % 2 !== 0) throw new Error("gemmWat: nr must be even");
  if (mc % mr !== 0) throw new Error("gemmWat: mc must be a multiple of mr");
  const nv = nr / 2;
  const acc = (i, v) => `$c${i}_${v}`;
  const L = [];
  L.push(`(module`);
  L.push(`(memory (export "memory") 1)`);

  // ---- micro-kernel: tile (mr × nr) = Ap panel (kc × mr) · Bp panel (kc × nr) ----------------
  // add = 0: store the tile into C (row stride ldc bytes); 1: add it to what C holds.
  L.push(`(func $kernel (param $ap i32) (param $bp i32) (param $kc i32) (param $c i32) (param $ldc i32) (param $add i32)`);
  for (let i = 0; i < mr; i++) for (let v = 0; v < nv; v++) L.push(`  (local ${acc(i, v)} v128)`);
  for (let v = 0; v < nv; v++) L.push(`  (local $b${v} v128)`);
  L.push(`  (local $a v128)`);
  L.push(`  (loop $k`);
  for (let v = 0; v < nv; v++) L.push(`    (local.set $b${v} (v128.load offset=${16 * v} (local.get $bp)))`);
  for (let i = 0; i < mr; i++) {
    L.push(`    (local.set $a (v128.load64_splat offset=${8 * i} (local.get $ap)))`);
    for (let v = 0; v < nv; v++) {
      const x = acc(i, v);
      L.push(
        relaxed
          ? `    (local.set ${x} (f64x2.relaxed_madd (local.get $a) (local.get $b${v}) (local.get ${x})))`
          : `    (local.set ${x} (f64x2.add (local.get ${x}) (f64x2.mul (local.get $a) (local.get $b${v}))))`,
      );
    }
  }
  L.push(`    (local.set $ap (i32.add (local.get $ap) (i32.const ${8 * mr})))`);
  L.push(`    (local.set $bp (i32.add (local.get $bp) (i32.const ${8 * nr})))`);
  L.push(`    (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))`);
  L.push(`  (if (local.get $add) (then`);
  for (let i = 0; i < mr; i++) {
    for (let v = 0; v < nv; v++) {
      L.push(`    (v128.store offset=${16 * v} (local.get $c) (f64x2.add (v128.load offset=${16 * v} (local.get $c)) (local.get ${acc(i, v)})))`);
    }
    if (i < mr - 1) L.push(`    (local.set $c (i32.add (local.get $c) (local.get $ldc)))`);
  }
  L.push(`  ) (else`);
  for (let i = 0; i < mr; i++) {
    for (let v = 0; v < nv; v++) L.push(`    (v128.store offset=${16 * v} (local.get $c) (local.get ${acc(i, v)}))`);
    if (i < mr - 1) L.push(`    (local.set $c (i32.add (local.get $c) (local.get $ldc)))`);
  }
  L.push(`  )))`);

  // ---- packing: X (rows × cols, X(i,p) = x[i·rs + p·cs]) into w-row panels, p-major, zero-padded.
  // A block: X = A. B block: X = Bᵀ (rs = csB, cs = rsB), so its panels hold w columns of B.
  for (const w of new Set([mr, nr])) {
    L.push(`(func $pack${w} (param $x i32) (param $rs i32) (param $cs i32) (param $rows i32) (param $cols i32) (param $dst i32)
  (local $i i32) (local $p i32) (local $r i32) (local $src i32) (local $h i32) (local $rsb i32) (local $csb i32)
  (local.set $rsb (i32.shl (local.get $rs) (i32.const 3)))
  (local.set $csb (i32.shl (local.get $cs) (i32.const 3)))
  (block $done (loop $panels
    (br_if $done (i32.ge_s (local.get $i) (local.get $rows)))
    (local.set $h (i32.sub (local.get $rows) (local.get $i)))
    (if (i32.gt_s (local.get $h) (i32.const ${w})) (then (local.set $h (i32.const ${w}))))
    (local.set $p (i32.const 0))
    (block $pd (loop $pl
      (br_if $pd (i32.ge_s (local.get $p) (local.get $cols)))
      (local.set $src (i32.add (local.get $x) (i32.add (i32.mul (local.get $i) (local.get $rsb)) (i32.mul (local.get $p) (local.get $csb)))))
      (if (i32.eq (local.get $h) (i32.const ${w}))
        (then
${Array.from({ length: w }, (_, r) => `          (f64.store offset=${8 * r} (local.get $dst) (f64.load (i32.add (local.get $src) (i32.mul (local.get $rsb) (i32.const ${r})))))`).join("\n")})
        (else
          (local.set $r (i32.const 0))
          (loop $rl
            (if (i32.lt_s (local.get $r) (local.get $h))
              (then (f64.store (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 3))) (f64.load (i32.add (local.get $src) (i32.mul (local.get $rsb) (local.get $r))))))
              (else (f64.store (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 3))) (f64.const 0))))
            (br_if $rl (i32.lt_s (local.tee $r (i32.add (local.get $r) (i32.const 1))) (i32.const ${w}))))))
      (local.set $dst (i32.add (local.get $dst) (i32.const ${8 * w})))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $pl)))
    (local.set $i (i32.add (local.get $i) (i32.const ${w})))
    (br $panels))))`);
  }

  // ---- driver -----------------------------------------------------------------------------
  L.push(`(func (export "gemm") (param $a i32) (param $rsA i32) (param $csA i32) (param $b i32) (param $rsB i32) (param $csB i32)
  (param $c i32) (param $m i32) (param $k i32) (param $n i32) (param $ap i32) (param $bp i32) (param $tile i32)
  (local $pc i32) (local $kcb i32) (local $ic i32) (local $mcb i32) (local $jr i32) (local $ir i32)
  (local $rows i32) (local $cols i32) (local $add i32) (local $cij i32) (local $r i32) (local $j i32) (local $q i32) (local $t i32)
  ;; k = 0: C is all zeros.
  (if (i32.eqz (local.get $k)) (then
    (memory.fill (local.get $c) (i32.const 0) (i32.shl (i32.mul (local.get $m) (local.get $n)) (i32.const 3)))
    (return)))
  (block $pcd (loop $pcl
    (br_if $pcd (i32.ge_s (local.get $pc) (local.get $k)))
    (local.set $kcb (i32.sub (local.get $k) (local.get $pc)))
    (if (i32.gt_s (local.get $kcb) (i32.const ${kc})) (then (local.set $kcb (i32.const ${kc}))))
    (local.set $add (i32.gt_s (local.get $pc) (i32.const 0)))
    (call $pack${nr} (i32.add (local.get $b) (i32.shl (i32.mul (local.get $pc) (local.get $rsB)) (i32.const 3)))
      (local.get $csB) (local.get $rsB) (local.get $n) (local.get $kcb) (local.get $bp))
    (local.set $ic (i32.const 0))
    (block $icd (loop $icl
      (br_if $icd (i32.ge_s (local.get $ic) (local.get $m)))
      (local.set $mcb (i32.sub (local.get $m) (local.get $ic)))
      (if (i32.gt_s (local.get $mcb) (i32.const ${mc})) (then (local.set $mcb (i32.const ${mc}))))
      (call $pack${mr} (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $ic) (local.get $rsA)) (i32.mul (local.get $pc) (local.get $csA))) (i32.const 3)))
        (local.get $rsA) (local.get $csA) (local.get $mcb) (local.get $kcb) (local.get $ap))
      (local.set $jr (i32.const 0))
      (block $jrd (loop $jrl
        (br_if $jrd (i32.ge_s (local.get $jr) (local.get $n)))
        (local.set $cols (i32.sub (local.get $n) (local.get $jr)))
        (if (i32.gt_s (local.get $cols) (i32.const ${nr})) (then (local.set $cols (i32.const ${nr}))))
        (local.set $ir (i32.const 0))
        (block $ird (loop $irl
          (br_if $ird (i32.ge_s (local.get $ir) (local.get $mcb)))
          (local.set $rows (i32.sub (local.get $mcb) (local.get $ir)))
          (if (i32.gt_s (local.get $rows) (i32.const ${mr})) (then (local.set $rows (i32.const ${mr}))))
          (local.set $cij (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $n)) (local.get $jr)) (i32.const 3))))
          (if (i32.and (i32.eq (local.get $rows) (i32.const ${mr})) (i32.eq (local.get $cols) (i32.const ${nr})))
            (then
              (call $kernel (i32.add (local.get $ap) (i32.shl (i32.mul (local.get $ir) (local.get $kcb)) (i32.const 3)))
                (i32.add (local.get $bp) (i32.shl (i32.mul (local.get $jr) (local.get $kcb)) (i32.const 3)))
                (local.get $kcb) (local.get $cij) (i32.shl (local.get $n) (i32.const 3)) (local.get $add)))
            (else
              ;; edge tile: compute the full padded tile into scratch, then move its valid part.
              (call $kernel (i32.add (local.get $ap) (i32.shl (i32.mul (local.get $ir) (local.get $kcb)) (i32.const 3)))
                (i32.add (local.get $bp) (i32.shl (i32.mul (local.get $jr) (local.get $kcb)) (i32.const 3)))
                (local.get $kcb) (local.get $tile) (i32.const ${8 * nr}) (i32.const 0))
              (local.set $r (i32.const 0))
              (block $rd (loop $rl
                (br_if $rd (i32.ge_s (local.get $r) (local.get $rows)))
                (local.set $j (i32.const 0))
                (block $jd (loop $jl
                  (br_if $jd (i32.ge_s (local.get $j) (local.get $cols)))
                  (local.set $q (i32.add (local.get $cij) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n)) (local.get $j)) (i32.const 3))))
                  (local.set $t (i32.add (local.get $tile) (i32.shl (i32.add (i32.mul (local.get $r) (i32.const ${nr})) (local.get $j)) (i32.const 3))))
                  (if (local.get $add)
                    (then (f64.store (local.get $q) (f64.add (f64.load (local.get $q)) (f64.load (local.get $t)))))
                    (else (f64.store (local.get $q) (f64.load (local.get $t)))))
                  (local.set $j (i32.add (local.get $j) (i32.const 1)))
                  (br $jl)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $rl)))))
          (local.set $ir (i32.add (local.get $ir) (i32.const ${mr})))
          (br $irl)))
        (local.set $jr (i32.add (local.get $jr) (i32.const ${nr})))
        (br $jrl)))
      (local.set $ic (i32.add (local.get $ic) (i32.const ${mc})))
      (br $icl)))
    (local.set $pc (i32.add (local.get $pc) (i32.const ${kc})))
    (br $pcl))))`);
  L.push(`)`);
  return L.join("\n");
}
