import { describe, expect, it } from 'vitest';
import { DECODE_BYTES_PER_PIXEL } from '../../../src/image/decode-cost.js';
import { BATCHABLE_DECODE_BYTES } from '../../../src/server/node/pool-options.js';
import { createTaskQueue, dueAt, estimatedWorkMs } from '../../../src/server/node/task-queue.js';

type T = { name: string; cost: number; due: number };
const small = (name: string, due = 0): T => ({ name, cost: 1_000, due });
const large = (name: string, due = 0): T => ({ name, cost: BATCHABLE_DECODE_BYTES + 1, due });
const names = (tasks: readonly { name: string }[]) => tasks.map((t) => t.name);

describe('the prediction pool queue', () => {
  it('hands out small tasks in arrival order, up to the count asked for', () => {
    const queue = createTaskQueue<T>(1_000_000);
    for (const n of ['a', 'b', 'c']) queue.push(small(n));
    expect(names(queue.take(2))).toEqual(['a', 'b']);
    expect(queue.length).toBe(1);
  });

  it('takes a large picture only as a batch of its own, and lets smaller tasks past it', () => {
    const queue = createTaskQueue<T>(10 * BATCHABLE_DECODE_BYTES);
    queue.push(small('a'));
    queue.push(large('photo'));
    queue.push(small('b'));
    expect(names(queue.take(16))).toEqual(['a', 'b']);
    expect(names(queue.take(16))).toEqual(['photo']);
  });

  it('keeps a task waiting while its decode memory does not fit beside the running ones', () => {
    const cost = BATCHABLE_DECODE_BYTES + 1;
    const queue = createTaskQueue<T>(cost + cost / 2);
    const first = large('first');
    queue.push(first);
    queue.push(large('second'));
    expect(names(queue.take(1))).toEqual(['first']);
    expect(queue.take(1)).toEqual([]); // 1.5 budgets: the second does not fit beside the first
    queue.release(first);
    expect(names(queue.take(1))).toEqual(['second']);
  });

  it('runs a task larger than the whole budget when nothing else is running', () => {
    const queue = createTaskQueue<T>(10);
    queue.push(large('huge'));
    expect(names(queue.take(1))).toEqual(['huge']);
  });

  it('puts tasks given back in front, in order, and frees their memory', () => {
    const queue = createTaskQueue<T>(2_500);
    for (const n of ['a', 'b', 'c']) queue.push(small(n));
    const taken = queue.take(2);
    expect(names(queue.take(2))).toEqual([]); // 2,000 of 2,500 bytes running: c does not fit
    queue.requeue(taken);
    expect(names(queue.drain())).toEqual(['a', 'b', 'c']);
  });

  it('removes a waiting task once, and reports a task that already left', () => {
    const queue = createTaskQueue<T>(1_000_000);
    const a = small('a');
    queue.push(a);
    expect(queue.remove(a)).toBe(true);
    expect(queue.remove(a)).toBe(false);
    expect(queue.length).toBe(0);
  });

  it('hands out tasks earliest due first, equal due times in arrival order', () => {
    const queue = createTaskQueue<T>(1_000_000);
    queue.push(small('late', 50));
    queue.push(small('soon', 10));
    queue.push(small('also soon', 10));
    queue.push(small('first', 5));
    expect(names(queue.take(16))).toEqual(['first', 'soon', 'also soon', 'late']);
  });

  it('puts a task given back ahead of waiting tasks due at the same time, and behind earlier ones', () => {
    const queue = createTaskQueue<T>(1_000_000);
    queue.push(small('a', 10));
    const [a] = queue.take(1);
    queue.push(small('early', 5));
    queue.push(small('same', 10));
    queue.requeue([a!]);
    expect(names(queue.drain())).toEqual(['early', 'a', 'same']);
  });
});

describe('due times', () => {
  it('lets a small upload that arrives after a 12 MP photo or a page to read go first', () => {
    const queue = createTaskQueue<T>(1_000_000_000);
    const at = (name: string, now: number, kind: 'predict' | 'read', pixels: number) => {
      const cost = pixels * DECODE_BYTES_PER_PIXEL;
      return { name, cost, due: dueAt(now, estimatedWorkMs(kind, cost)) };
    };
    queue.push(at('12 MP photo', 0, 'predict', 12_000_000));
    queue.push(at('page of text', 1, 'read', 1200 * 900));
    queue.push(at('28x28', 2, 'predict', 28 * 28));
    expect(names(queue.take(1))).toEqual(['28x28']);
    expect(names(queue.take(1))).toEqual(['page of text']);
  });

  it('never starves a large task: it goes ahead of small ones that arrive once it has waited its turn', () => {
    const cost = 12_000_000 * DECODE_BYTES_PER_PIXEL;
    const photo = { name: 'photo', cost, due: dueAt(0, estimatedWorkMs('predict', cost)) };
    const later = photo.due; // a small upload arriving then is due a little after the photo
    const small28 = {
      name: 'small',
      cost: 784 * DECODE_BYTES_PER_PIXEL,
      due: dueAt(later, estimatedWorkMs('predict', 784 * DECODE_BYTES_PER_PIXEL)),
    };
    const queue = createTaskQueue<T>(Number.MAX_SAFE_INTEGER);
    queue.push(photo);
    queue.push(small28);
    expect(names(queue.take(1))).toEqual(['photo']);
  });

  it('estimates more work for more pixels, and for reading than for predicting the same picture', () => {
    expect(estimatedWorkMs('predict', 0)).toBe(1);
    expect(estimatedWorkMs('predict', 600 * 400 * DECODE_BYTES_PER_PIXEL)).toBeCloseTo(71.6, 0);
    expect(estimatedWorkMs('read', 600 * 150 * DECODE_BYTES_PER_PIXEL)).toBeGreaterThan(
      estimatedWorkMs('predict', 600 * 150 * DECODE_BYTES_PER_PIXEL),
    );
  });
});
