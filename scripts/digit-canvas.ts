/** One printed digit to draw: typeface, style, CSS px size, polarity (dark ink on light paper or the reverse). */
export interface DigitGlyph {
  readonly face: string;
  readonly style: string;
  readonly size: number;
  readonly dark: boolean;
  readonly digit: number;
  /** Draw this text instead of the digit (the letters that teach the reader what is not a digit). */
  readonly glyph?: string;
}

/**
 * Draws each digit centred on its own square canvas and returns them as PNG data URLs. Runs in the browser page
 * (passed to playwright's `page.evaluate`), so it uses nothing outside its own body. Shared by the printed-digits
 * bench and the script that renders the printed-digit training set, so both draw glyphs the same way.
 */
export function drawDigitGlyphs(list: readonly DigitGlyph[]): string[] {
  return list.map(({ face, style, size, dark, digit, glyph }) => {
    const side = Math.ceil(size * 1.2);
    const canvas = document.createElement('canvas');
    canvas.width = side;
    canvas.height = side;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = dark ? '#fff' : '#000';
    ctx.fillRect(0, 0, side, side);
    ctx.fillStyle = dark ? '#000' : '#fff';
    ctx.font = `${style === 'bold' ? 'bold ' : style === 'italic' ? 'italic ' : ''}${size}px "${face}"`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(glyph ?? String(digit), side / 2, side / 2);
    return canvas.toDataURL('image/png');
  });
}
