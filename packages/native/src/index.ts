export { describe, loadKoffi, runsNode } from './koffi.js';
export type { ImportKoffi, Koffi, KoffiLib } from './koffi.js';
export { NATIVE_SWITCHES, requestedThreads, switchedOff, switchValue } from './switches.js';
export type { NativeSwitch } from './switches.js';
export { bindSignatures, MissingSymbolsError, prototype } from './signatures.js';
export type { Bindings, NativeFunction, NativeSignature, SignatureTable } from './signatures.js';
export { blasCandidates, loadBlasLibrary, OPENBLAS_SIGNATURES, rowMajorGemm } from './openblas.js';
export type { BlasFunction, BlasLibrary, BlasLibraryOptions, Gemm } from './openblas.js';
