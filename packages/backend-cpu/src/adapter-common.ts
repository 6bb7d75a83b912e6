import type { TfNamespace } from '@bcnmf/core';

/** The package that provides the 'cpu' and 'wasm' backends (for core's messages). */
export const PACKAGE_NAME = '@bcnmf/backend-cpu';

/** The first line of an error's message. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** Makes `tf` run on `backendName`, or says why it cannot. */
export async function setTfBackend(tf: TfNamespace, backendName: string): Promise<void> {
  const ok = await tf.setBackend(backendName);
  if (!ok) {
    throw new Error(`tfjs could not initialise its '${backendName}' backend`);
  }
  await tf.ready();
}
