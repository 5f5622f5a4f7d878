/**
 * NumPy interchange: read and write `.npy` arrays and `.npz` archives (stored or deflated), and the
 * archive layouts of `optlab analyze` (PyTorch-layout MLP weights, data, features).
 */
export {
  readNpy, writeNpy, readNpyHeader, npyHeaderBytes, npyDescr, checkFiniteNpy, toTensor, fromTensor, toFloat64, isIntegerDType, unravel,
  NPY_DTYPES, type NpyArray, type NpyDType, type NpyData, type NpyStorage, type NpyHeader, type NpyLike, type ReadNpyOptions, type WriteNpyOptions,
} from "./npy";
export { readNpz, writeNpz, requireArray, loadNpz, saveNpz, loadNpy, saveNpy, type NpzArrays, type ReadNpzOptions, type WriteNpzOptions } from "./npz";
export { readZip, writeZip, crc32, type ZipEntry } from "./zip";
export {
  NpyFormatError, BadMagicError, TruncatedError, MalformedHeaderError, UnsupportedDTypeError, NonFiniteError, ZipFormatError, MissingArrayError,
} from "./errors";
export { mlpArchiveArrays } from "./modelArchive";
export { stateDictLayers, namedLayers, type NamedLayer } from "./stateDict";
export { checkNotTransposed, TransposedWeightError } from "./transposed";
export {
  layerWeightName, type ModelInputOptions,
  linearLayersFromNpz, mlpFromNpz, inputsFromNpz, datasetFromNpz, featuresFromNpz, labelsFromNpy, type DataFromNpzOptions, type TargetKind,
} from "./archives";
export { ARCHITECTURES, parseArchitecture, formatArchitecture, buildArchitecture, architectureList, type ArchitectureSpec } from "./architectures";
export { networkFromStateDict, stateDictKeys, torchKey, type StateDictLoadOptions } from "./torchStateDict";
export { flattenInputs } from "./networkData";
export {
  analyzeHessian, analyzeNtk, analyzeInfiniteNtk, analyzeCollapse,
  type AnalyzeHessianOptions, type HessianReport, type TraceMethod, type AnalyzeNtkOptions, type NtkReport,
  type AnalyzeInfiniteNtkOptions, type InfiniteNtkReport, type AnalyzeCollapseOptions, type CollapseReport, type ArchiveSource, type ArchitectureSource,
} from "./analyze";
