import { DECODE_BYTES_PER_PIXEL } from '../../image/decode-cost.js';
import { BATCHABLE_DECODE_BYTES } from './pool-options.js';

/**
 * What the queue needs to know of a task: the memory its picture is estimated to take to decode (bytes), and when
 * it is due (ms, any clock the caller keeps to; see {@link dueAt}).
 */
export interface Costed {
  readonly cost: number;
  readonly due: number;
}

/**
 * A task's estimated work in ms on one thread, from its decode estimate: ~1 ms for any image (a 28x28 PNG is
 * decoded, normalized and classified in about that), plus ~0.3 us per pixel (a 600x400 photo JPEG took ~70 ms to
 * decode and normalize, a 12 MP one 2-4 s). Reading a number also looks for ink and classifies every candidate
 * piece: a 600x150 five-digit picture took ~20 ms, a 1200x900 page of text ~150 ms (2026-12-03, AMD EPYC), about
 * twice a prediction of the same picture.
 * @param kind - What the task does.
 * @param decodeBytes - Its estimated decode memory (estimateDecodeBytes; 0 for bytes that will fail at once).
 * @returns Milliseconds, at least 1.
 */
export function estimatedWorkMs(kind: 'predict' | 'read', decodeBytes: number): number {
  const pixels = decodeBytes / DECODE_BYTES_PER_PIXEL;
  const predict = 1 + pixels / 3_400;
  return kind === 'read' ? 2 * predict : predict;
}

/**
 * How long past its arrival a task may wait, in multiples of its own work, before it goes ahead of newer ones.
 */
export const DUE_WORK_MULTIPLE = 2;

/**
 * When a task is due: its arrival plus twice its estimated work. The queue hands out tasks in order of due time
 * (earliest deadline first), so a 28x28 upload waits behind other small ones but not behind a 12 MP photo or a page
 * of text that arrived a moment earlier, while a large task still goes first once it has waited its turn (a long
 * stream of small uploads cannot starve it). Before (arrival order), ordinary uploads under bench:soak waited behind
 * the attackers' 12 MP pictures and number readings: p99 2.6 s.
 * @param now - The arrival time, ms.
 * @param workMs - From {@link estimatedWorkMs}.
 * @returns The due time, ms on the same clock.
 */
export function dueAt(now: number, workMs: number): number {
  return now + DUE_WORK_MULTIPLE * workMs;
}

/** The pool's waiting tasks, and the decode memory of the tasks taken from it and not yet released. */
export interface TaskQueue<T extends Costed> {
  readonly length: number;
  push(task: T): void;
  /** Takes a waiting task out (its client hung up); false if it had already left. */
  remove(task: T): boolean;
  /**
   * Up to `count` waiting tasks, earliest due first, each only if its decode memory fits the budget beside what is
   * running (with nothing running, any task fits, so a picture larger than the budget still runs, alone). A large
   * picture is only ever taken as a batch of its own, so small images never wait behind a photo.
   */
  take(count: number): T[];
  /** A task taken earlier was answered: its decode memory is free again. */
  release(task: T): void;
  /**
   * Tasks taken earlier go back (their worker was given up), each ahead of waiting tasks due at the same time; their
   * memory is released.
   */
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
      // After every task due no later: equal due times keep arrival order.
      waiting.splice(
        firstIndex(waiting, (t) => t.due > task.due),
        0,
        task,
      );
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
      for (const task of [...tasks].reverse()) {
        running -= task.cost;
        waiting.splice(
          firstIndex(waiting, (t) => t.due >= task.due),
          0,
          task,
        );
      }
    },
    drain() {
      return waiting.splice(0);
    },
  };
}

/** The first index whose element passes `after` in a list sorted so that it does from some point on (binary search). */
function firstIndex<T>(list: readonly T[], after: (item: T) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after(list[mid] as T)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
