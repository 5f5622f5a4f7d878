import { drawSpectrum } from "./charts/spectrum";
import { renderStatic } from "./util";

/** What the spectrum renderer draws (the SpectrumModel state, typed loosely). */
export interface SpectrumData {
  eigenvalues?: ArrayLike<number>;
  outliers?: ArrayLike<number>;
  ritz_nodes?: ArrayLike<number>;
  ritz_weights?: ArrayLike<number>;
  probes?: number;
  sigma?: number;
  grid?: ArrayLike<number>;
  density?: ArrayLike<number>;
  mode?: "stems" | "histogram" | "both";
  bins?: number;
  y_scale?: "linear" | "log";
  zoom?: [number, number] | null;
  title?: string;
  width?: number;
  height?: number;
  slice_t?: ArrayLike<number>;
  slice_loss?: ArrayLike<number>;
  slice_quadratic?: ArrayLike<number>;
  slice_index?: number | null;
}

/**
 * Static spectrum plot, drawn by the live view's chart (charts/spectrum.ts). Marks: one
 * `g.stem` per eigenvalue (mode stems/both; outliers also carry class `outlier`), one `rect.bar`
 * per non-empty histogram bin (mode histogram/both), one `path.density` when a density is given
 * (smoothed from the Ritz nodes when present), and a `path.slice` panel when a slice is given.
 */
export function renderSpectrum(d: SpectrumData): string {
  return renderStatic(d, drawSpectrum);
}
