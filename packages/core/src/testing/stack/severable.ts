import type { StackBackend } from './stack.js';

/** Port methods that answer at once, not through a promise: they go on working after the cut. */
const SYNCHRONOUS = new Set(['interrupt', 'stats']);
const PORTS = ['store', 'queue', 'lock', 'broadcaster', 'cache', 'fencing', 'solePublisher'] as const;

function never<T>(): Promise<T> {
  return new Promise<T>(() => undefined);
}

/** A backend whose every port can be cut off at once, as the process holding them would be by SIGKILL. */
export interface SeverableBackend {
  readonly backend: StackBackend;
  /** From now on no call reaches the ports, no answer or message comes back: the house is dead. */
  sever(): void;
}

/**
 * Wraps every port of `backend`. After `sever()` a call answers never, an answer on its way is
 * dropped, and handlers the house gave (subscriptions) hear nothing more. A port that refers to
 * another (a backend's `fencing` that is its store) refers to the other's wrapper.
 */
export function severable(backend: StackBackend): SeverableBackend {
  let severed = false;
  const wrappers = new Map<object, object>();
  const gateHandler = (value: unknown) =>
    typeof value === 'function' ? (...args: unknown[]) => (severed ? undefined : value(...args)) : value;
  const wrap = (port: object): object =>
    new Proxy(port, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key);
        if (typeof value === 'object' && value !== null && wrappers.has(value)) return wrappers.get(value);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const synchronous = typeof key === 'string' && SYNCHRONOUS.has(key);
          if (severed && !synchronous) return never();
          const result: unknown = value.apply(target, args.map(gateHandler));
          if (!(result instanceof Promise)) return result;
          return result.then(
            (answer) => (severed ? never() : answer),
            (error) => (severed ? never() : Promise.reject(error)),
          );
        };
      },
    });
  const wrapped: Record<string, unknown> = { ...backend };
  for (const name of PORTS) {
    const port = backend[name];
    if (port !== undefined) wrappers.set(port, wrap(port));
  }
  for (const name of PORTS) {
    const port = backend[name];
    if (port !== undefined) wrapped[name] = wrappers.get(port);
  }
  return {
    backend: wrapped as unknown as StackBackend,
    sever: () => {
      severed = true;
    },
  };
}
