export { renderSpectrum, type SpectrumData } from "./spectrum";
export { renderKernel, labelOrder, MAX_HEATMAP_CELLS, type KernelData } from "./kernel";
export { renderCollapse, COLLAPSE_METRICS, type CollapseData } from "./collapse";
export { renderLandscape, type LandscapeData } from "./landscape";
export { renderCurves, type CurvesData, type CurveSeries } from "./curves";
export { smoothDensity } from "./density";
export { formatTick } from "./ticks";
