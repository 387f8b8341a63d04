import type { MessagePort, Worker } from 'node:worker_threads';
import type { Endpoint } from 'comlink';

/** Comlink speaks the browser's EventTarget; Node's ports and workers emit 'message' with the data itself. */
type Handler = Parameters<Endpoint['addEventListener']>[1];
type MessageHandler = ((event: { data: unknown }) => void) | { handleEvent(event: { data: unknown }): void };

export function nodeEndpoint(target: MessagePort | Worker): Endpoint {
  const listeners = new WeakMap<object, (data: unknown) => void>();
  return {
    postMessage: (message: unknown, transfer?: readonly unknown[]) =>
      target.postMessage(message, transfer as Parameters<MessagePort['postMessage']>[1]),
    addEventListener: (_type: string, handler: Handler) => {
      const typed = handler as MessageHandler;
      const listener = (data: unknown) => {
        if (typeof typed === 'function') typed({ data });
        else typed.handleEvent({ data });
      };
      listeners.set(handler, listener);
      target.on('message', listener);
    },
    removeEventListener: (_type: string, handler: Handler) => {
      const listener = listeners.get(handler);
      if (listener === undefined) return;
      target.off('message', listener);
      listeners.delete(handler);
    },
  };
}
