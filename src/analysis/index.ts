export * as collapse from "./collapse/index"; // explicit: a stale dist/analysis/collapse.js would shadow the folder
export * as hessian from "./hessian";
export * as ntk from "./ntk";
export * as stability from "./stability";
export * as landscape from "./landscape";
