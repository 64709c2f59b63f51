import { pairMatrixBytes, rowsFromPairMatrix } from '../../src/ml/engine/pairs.js';
import { encodeBinaryModel } from '../../src/ml/model-binary.js';
import type { SvmModel } from '../../src/ml/model.js';

const aligned = (at: number, to: number): number => Math.ceil(at / to) * to;

/**
 * `model` in binary container 1, as versions before 2026-12-04 wrote it: the same prefix and header, then the support
 * vectors row-major and every section at a multiple of 8 (container 2 stores them in pair layout, sections at
 * multiples of 64). Built from today's file, so the reader's support for old files is tested without an old writer.
 */
export function containerOneOf(model: SvmModel): Uint8Array {
  const file = encodeBinaryModel(model);
  const length = new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(12, true);
  const pairBytes = pairMatrixBytes(model.supportVectorCount, 784);
  const rest = file.subarray(aligned(aligned(16 + length, 64) + pairBytes, 64));
  const second = model.secondStage;
  const lengths = [
    model.supportVectorCount * 80,
    ...(second ? [second.slots.length * 4, second.slots.length * 80] : []),
  ];
  const sections = [rowsFromPairMatrix(model.supportVectorPairs)];
  let at = 0;
  for (const size of lengths) {
    sections.push(rest.subarray(at, at + size));
    at = aligned(at + size, 64);
  }
  let end = aligned(16 + length, 8);
  const offsets = sections.map((section) => {
    const start = end;
    end = aligned(start + section.length, 8);
    return start;
  });
  const out = new Uint8Array((offsets.at(-1) as number) + (sections.at(-1) as Uint8Array).length);
  out.set(file.subarray(0, 16 + length));
  new DataView(out.buffer).setUint32(8, 1, true);
  sections.forEach((section, k) => out.set(section, offsets[k]));
  return out;
}
