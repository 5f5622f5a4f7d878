import { drawLandscape } from "./charts/landscape";
import { renderStatic } from "./util";

export { colorField } from "./charts/landscape";

export interface LandscapeData {
  x_range: [number, number];
  y_range: [number, number];
  nx: number;
  ny: number;
  values: ArrayLike<number>;
  log_scale?: boolean;
  levels?: number;
  minima?: ArrayLike<number>;
  start?: [number, number];
  trajectories?: ArrayLike<number>;
  trajectory_lengths?: ArrayLike<number>;
  trajectory_labels?: string[];
  trajectory_losses?: ArrayLike<number>;
  x_label?: string;
  y_label?: string;
  value_label?: string;
  title?: string;
  width?: number;
  height?: number;
}

/**
 * Static landscape (charts/landscape.ts): filled contour bands (one `path.contour` per non-empty
 * level), axis titles and a colour bar, one `path.minimum` per known minimum, one
 * `path.trajectory` per trajectory (legend beside) and a `circle.start` at the start point.
 */
export function renderLandscape(d: LandscapeData): string {
  return renderStatic(d, drawLandscape);
}
