import { BATCHABLE_DECODE_BYTES } from './pool-options.js';

/** What the queue needs to know of a task: the memory its picture is estimated to take to decode (bytes). */
export interface Costed {
  readonly cost: number;
}

/** The pool's waiting tasks, and the decode memory of the tasks taken from it and not yet released. */
export interface TaskQueue<T extends Costed> {
  readonly length: number;
  push(task: T): void;
  /** Takes a waiting task out (its client hung up); false if it had already left. */
  remove(task: T): boolean;
  /**
   * Up to `count` waiting tasks, in arrival order, each only if its decode memory fits the budget beside what is
   * running (with nothing running, any task fits, so a picture larger than the budget still runs, alone). A large
   * picture is only ever taken as a batch of its own, so small images never wait behind a photo.
   */
  take(count: number): T[];
  /** A task taken earlier was answered: its decode memory is free again. */
  release(task: T): void;
  /** Tasks taken earlier go back to the front, in order (their worker was given up); their memory is released. */
  requeue(tasks: readonly T[]): void;
  /** Every waiting task, leaving the queue empty. */
  drain(): T[];
}

/**
 * The prediction pool's queue with its decode-memory budget.
 * @param budget - Bytes of estimated decode memory the running tasks may hold together.
 */
export function createTaskQueue<T extends Costed>(budget: number): TaskQueue<T> {
  const waiting: T[] = [];
  let running = 0;
  return {
    get length() {
      return waiting.length;
    },
    push(task) {
      waiting.push(task);
    },
    remove(task) {
      const index = waiting.indexOf(task);
      if (index === -1) return false;
      waiting.splice(index, 1);
      return true;
    },
    take(count) {
      const batch: T[] = [];
      for (let i = 0; i < waiting.length && batch.length < count;) {
        const task = waiting[i]!;
        const large = task.cost > BATCHABLE_DECODE_BYTES;
        const fits = running === 0 || running + task.cost <= budget;
        if (fits && (!large || batch.length === 0)) {
          waiting.splice(i, 1);
          running += task.cost;
          batch.push(task);
          if (large) break;
        } else {
          i++;
        }
      }
      return batch;
    },
    release(task) {
      running -= task.cost;
    },
    requeue(tasks) {
      for (const task of tasks) running -= task.cost;
      waiting.unshift(...tasks);
    },
    drain() {
      return waiting.splice(0);
    },
  };
}
