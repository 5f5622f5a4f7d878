/**
 * Dynamical stability: sharpness λ_max and tr(H) by Hessian–vector products, training callbacks
 * that record them next to the 2/η reference (edge of stability), and exact linear-stability
 * analyses of GD and SGD on quadratics (Wu & Su).
 */
export { sharpness, hessianTrace, type SharpnessOptions, type SharpnessResult, type TraceOptions, type TraceResult } from "./sharpness";
export { track, type StabilityTracker, type StabilityHistory, type StabilityTrackOptions } from "./track";
export { gdQuadratic, sgdInterpolating, type GdQuadraticResult, type SgdInterpolatingResult, type SgdInterpolatingOptions } from "./quadratic";
export type { StabilityTarget } from "./sharpness";
