import {
  type Backend,
  type BackendCapabilities,
  createMemoryBackend,
  type MemoryBackendOptions,
} from '../../src/index.js';

/** A memory backend on the given ports, declaring what differs from memory's capabilities (a test port that copies, reorders...). */
export function memoryBackendOf(
  options: MemoryBackendOptions,
  differences: Partial<BackendCapabilities> = {},
): Backend {
  const backend = createMemoryBackend(options);
  return { ...backend, capabilities: { ...backend.capabilities, ...differences } };
}
