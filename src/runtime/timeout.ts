/** Settles like `promise`, or resolves to `timedOut` after `ms` (no limit when ms is undefined). */
export function withTimeout<T, U>(promise: Promise<T>, ms: number | undefined, timedOut: U): Promise<T | U> {
  if (ms === undefined) return promise;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(timedOut), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
