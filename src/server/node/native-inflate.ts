import { inflateSync } from 'node:zlib';
import { inflateOverrun, type Inflate } from '../../image/bounded-inflate.js';

/**
 * node:zlib's inflater for PNG image data, bounded as the decoder asks (see Inflate): zlib's C inflate and checksum
 * instead of pako's JavaScript, the same bytes out. On a 6-digit 600x150 PNG the number reader's whole read took
 * ~5% less (2-core AMD EPYC, 2026-12-04). Past the bound it throws the words pako's path throws; other failures
 * (a corrupt stream) keep zlib's own message, which the decoder reports as a corrupt image either way.
 */
export const nativeInflate: Inflate = (data, maxBytes) => {
  try {
    return inflateSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw inflateOverrun(maxBytes);
    throw error;
  }
};
