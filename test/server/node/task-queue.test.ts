import { describe, expect, it } from 'vitest';
import { BATCHABLE_DECODE_BYTES } from '../../../src/server/node/pool-options.js';
import { createTaskQueue } from '../../../src/server/node/task-queue.js';

const small = (name: string) => ({ name, cost: 1_000 });
const large = (name: string) => ({ name, cost: BATCHABLE_DECODE_BYTES + 1 });
const names = (tasks: readonly { name: string }[]) => tasks.map((t) => t.name);

describe('the prediction pool queue', () => {
  it('hands out small tasks in arrival order, up to the count asked for', () => {
    const queue = createTaskQueue<{ name: string; cost: number }>(1_000_000);
    for (const n of ['a', 'b', 'c']) queue.push(small(n));
    expect(names(queue.take(2))).toEqual(['a', 'b']);
    expect(queue.length).toBe(1);
  });

  it('takes a large picture only as a batch of its own, and lets smaller tasks past it', () => {
    const queue = createTaskQueue<{ name: string; cost: number }>(10 * BATCHABLE_DECODE_BYTES);
    queue.push(small('a'));
    queue.push(large('photo'));
    queue.push(small('b'));
    expect(names(queue.take(16))).toEqual(['a', 'b']);
    expect(names(queue.take(16))).toEqual(['photo']);
  });

  it('keeps a task waiting while its decode memory does not fit beside the running ones', () => {
    const cost = BATCHABLE_DECODE_BYTES + 1;
    const queue = createTaskQueue<{ name: string; cost: number }>(cost + cost / 2);
    const first = large('first');
    queue.push(first);
    queue.push(large('second'));
    expect(names(queue.take(1))).toEqual(['first']);
    expect(queue.take(1)).toEqual([]); // 1.5 budgets: the second does not fit beside the first
    queue.release(first);
    expect(names(queue.take(1))).toEqual(['second']);
  });

  it('runs a task larger than the whole budget when nothing else is running', () => {
    const queue = createTaskQueue<{ name: string; cost: number }>(10);
    queue.push(large('huge'));
    expect(names(queue.take(1))).toEqual(['huge']);
  });

  it('puts tasks given back in front, in order, and frees their memory', () => {
    const queue = createTaskQueue<{ name: string; cost: number }>(2_500);
    for (const n of ['a', 'b', 'c']) queue.push(small(n));
    const taken = queue.take(2);
    expect(names(queue.take(2))).toEqual([]); // 2,000 of 2,500 bytes running: c does not fit
    queue.requeue(taken);
    expect(names(queue.drain())).toEqual(['a', 'b', 'c']);
  });

  it('removes a waiting task once, and reports a task that already left', () => {
    const queue = createTaskQueue<{ name: string; cost: number }>(1_000_000);
    const a = small('a');
    queue.push(a);
    expect(queue.remove(a)).toBe(true);
    expect(queue.remove(a)).toBe(false);
    expect(queue.length).toBe(0);
  });
});
