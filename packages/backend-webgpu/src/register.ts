// `import '@bcnmf/backend-webgpu/register'`: makes core's backend 'webgpu' this package's
// adapter. A separate entry because the package itself must not depend on @bcnmf/core
// (core imports backend packages; an import back would be a cycle): only this file
// imports core, which is an optional peer dependency.
import { registerBackend } from '@bcnmf/core';
import { webgpuAdapter } from './adapter.js';

registerBackend('webgpu', webgpuAdapter);

export { webgpuAdapter };
