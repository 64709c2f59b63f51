/** Exif/TIFF orientation values (TIFF 6.0 tag 274): 1 is upright; 2-8 are mirrorings and quarter turns. */
export type Orientation = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const ORIENTATION_TAG = 0x0112;

/**
 * Reads the orientation tag from an APP1 segment's payload ("Exif\0\0" + TIFF structure). Phones store photos
 * in sensor orientation and record the turn here, so a digit shot in portrait arrives sideways without it.
 * @param segment the APP1 payload (after the length field)
 * @returns the orientation, or undefined when the segment is not Exif or has no valid orientation tag
 */
export function readExifOrientation(segment: Uint8Array): Orientation | undefined {
  if (segment.length < 14 || String.fromCharCode(...segment.subarray(0, 6)) !== 'Exif\0\0') return undefined;
  const tiff = segment.subarray(6);
  const little = tiff[0] === 0x49 && tiff[1] === 0x49; // "II" little-endian, "MM" big-endian
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return undefined;
  const u16 = (at: number): number | undefined =>
    at + 2 > tiff.length
      ? undefined
      : little
        ? (tiff[at] as number) | ((tiff[at + 1] as number) << 8)
        : ((tiff[at] as number) << 8) | (tiff[at + 1] as number);
  const u32 = (at: number): number | undefined => {
    const a = u16(at);
    const b = u16(at + 2);
    if (a === undefined || b === undefined) return undefined;
    return little ? b * 65536 + a : a * 65536 + b;
  };
  const ifd = u32(4);
  if (ifd === undefined) return undefined;
  const count = u16(ifd);
  if (count === undefined) return undefined;
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    const tag = u16(entry);
    if (tag === undefined) return undefined;
    if (tag === ORIENTATION_TAG) {
      const value = u16(entry + 8); // SHORT value stored inline in the first two bytes of the value field
      return value !== undefined && value >= 1 && value <= 8 ? (value as Orientation) : undefined;
    }
  }
  return undefined;
}
