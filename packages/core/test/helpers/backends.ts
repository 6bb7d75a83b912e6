// The backends every numerical test runs on: the same suite for each.
export const TEST_BACKENDS = ['wasm', 'cpu'] as const;
