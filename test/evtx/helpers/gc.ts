/** A full garbage collection from inside a test (vitest runs without --expose-gc). */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** Heap bytes still reachable after a full collection. */
export function retainedHeap(): number {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}
