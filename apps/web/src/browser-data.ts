// The browser-safe parts of @bcnmf/data: the simulation and the preprocessing. The
// package's entry point also re-exports its file readers, registry and loaders, which
// import node:fs, node:zlib, node:crypto and h5wasm's Node build; a browser bundle of
// the entry point fails ("resolve" is not exported by "__vite-browser-external"). These
// two modules import only @bcnmf/core and seedrandom, so the page takes them by path.
export { simulateBetaSeries } from '../../../packages/data/src/simulation/index.js';
export { log1p, normalizeTotal } from '../../../packages/data/src/preprocess/index.js';
