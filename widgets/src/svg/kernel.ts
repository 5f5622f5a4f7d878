import { drawKernel } from "./charts/kernel";
import { renderStatic } from "./util";

export { labelOrder, MAX_HEATMAP_CELLS } from "./charts/kernel";

export interface KernelData {
  matrix: ArrayLike<number>;
  rows: number;
  cols: number;
  labels?: ArrayLike<number>;
  sort_by_label?: boolean;
  eigenvalues?: ArrayLike<number>;
  color_scheme?: "viridis" | "magma" | "rdbu";
  kind?: string;
  title?: string;
  width?: number;
  height?: number;
}

/**
 * Static kernel plot (charts/kernel.ts): heatmap (one `rect.cell` per cell, block-averaged to at
 * most MAX_HEATMAP_CELLS per side) with axis titles and a `g.colorbar`, and when eigenvalues are
 * given the decay on log-log axes (one `circle.eig` per positive eigenvalue).
 */
export function renderKernel(d: KernelData): string {
  return renderStatic(d, drawKernel);
}
