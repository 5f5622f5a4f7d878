import { drawCurves, type CurveSeries } from "./charts/curves";
import { renderStatic } from "./util";

export type { CurveSeries } from "./charts/curves";

export interface CurvesData {
  series: CurveSeries[];
  x_label?: string;
  log_y?: string[];
  title?: string;
  width?: number;
  height?: number;
}

/**
 * Static training curves (charts/curves.ts): one panel per distinct `panel`, stacked, each on its
 * own x; one `path.series` per series (dashed references carry class `reference`).
 */
export function renderCurves(d: CurvesData): string {
  return renderStatic(d, drawCurves);
}
