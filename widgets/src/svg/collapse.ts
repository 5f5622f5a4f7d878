import { drawCollapse } from "./charts/collapse";
import { renderStatic } from "./util";

export { COLLAPSE_METRICS } from "./charts/collapse";

export interface CollapseData {
  epoch?: ArrayLike<number>;
  nc1?: ArrayLike<number>;
  nc2_equinorm?: ArrayLike<number>;
  nc2_equiangular?: ArrayLike<number>;
  nc2_etf?: ArrayLike<number>;
  nc3?: ArrayLike<number>;
  nc4?: ArrayLike<number>;
  classes?: number;
  dims?: number;
  means?: ArrayLike<number>;
  classifier?: ArrayLike<number>;
  etf?: ArrayLike<number>;
  title?: string;
  width?: number;
  height?: number;
}

/**
 * Static neural-collapse plot (charts/collapse.ts): one `path.metric` per metric with a positive
 * value (log y, legend beside), the class means (`circle.mean`), classifier rows (`rect.classifier`)
 * and the simplex ETF (`circle.etf`) in two square panels (3-D at the default view angles).
 */
export function renderCollapse(d: CollapseData): string {
  return renderStatic(d, drawCollapse);
}
