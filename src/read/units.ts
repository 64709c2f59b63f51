import { SURE_DIGIT_LOGIT } from './digit-or-not.js';
import { numberBeside, type EdgeSigns } from './signs.js';
import { slackOf, standsOn, X_TOP, type Band } from './type-line.js';
import { digitLogitOf, type JudgedPieces } from './judged.js';

// A unit after a printed number ("17 kg", "250 ml", "99 g"), told from its digits by the line they keep (type-line.ts).

/** A unit's last letter hangs below the digits' line by at least this share of their height: g, p, y. */
const DESCENDS = 0.15;
/** A last piece the check plainly reads as a digit is a descender below a line of type when it hangs this deep. */
const DEEP = 0.2;
/**
 * The unit after a printed number (its band of type, or one digit's lines): "17 kg", "539 kg", "7 kg". Its last
 * piece hangs from the x-line below the digits' baseline and is no plain digit to the check; the pieces before it that
 * lean to "no digit" (log-odds below 0) and stand nearer it than to what comes before them are its letters (the k,
 * which the check reads 8 or 1). A unit with no descender ("250 ml", read 2501) is the run of pieces after the number
 * that are no plain digit, nearer each other than to it, from an x-height letter on, two pieces at least (a small
 * handwritten 5 after a number stands so too: "265505" lost its 5 with one). A plain digit on the line stays in the
 * group, else there is no number to take a unit.
 */
export function unitAfterNumber(
  judged: JudgedPieces,
  word: readonly number[],
  group: readonly number[],
  band: Band | null,
  typeset: boolean,
): number[] {
  const { pieces, whole, height } = judged;
  if (band === null || word.length === 0) return [];
  const logitOf = (piece: number) => digitLogitOf(judged, piece);
  const lineHeight = band.bottom - band.top + 1;
  const last = word[word.length - 1]!;
  const hanging = pieces[last]!.box;
  const before = (k: number) => {
    const at = group.indexOf(k);
    return at > 0 ? pieces[k]!.box.minX - pieces[group[at - 1]!]!.box.maxX : Infinity;
  };
  const nearer = (k: number, next: number) => pieces[next]!.box.minX - pieces[k]!.box.maxX < before(k);
  const plain = (k: number) => whole.has(k) && logitOf(k) > SURE_DIGIT_LOGIT;
  const descender =
    whole.has(last) &&
    hanging.maxY >= band.bottom + DESCENDS * lineHeight &&
    hanging.minY >= band.top + X_TOP * lineHeight;
  // A g may be a plain 9 to the check (9.5 in DejaVu Serif bold "100 g"); only a line of type says it hangs as a g.
  if (plain(last) && !(typeset && descender && hanging.maxY >= band.bottom + DEEP * lineHeight)) return [];
  let unit: number[];
  if (descender) {
    unit = [last];
    for (let i = word.length - 2; i >= 0; i--) {
      const k = word[i]!;
      if (!whole.has(k) || logitOf(k) >= 0 || !nearer(k, unit[0]!)) break;
      unit.unshift(k);
    }
  } else {
    // A unit in lowercase with no descender ("250 ml", "12 cm"): the pieces after the number that are no plain
    // digit, nearer each other than to it, from an x-height letter on (its top X_TOP below the digits', leaning to
    // "no digit").
    let first = word.length - 1;
    while (first > 0 && !plain(word[first - 1]!) && nearer(word[first - 1]!, word[first]!)) first--;
    const xHeight = (k: number) => {
      const box = pieces[k]!.box;
      return (
        box.minY >= band.top + X_TOP * lineHeight &&
        Math.abs(box.maxY - band.bottom) <= slackOf(height) &&
        (!whole.has(k) || logitOf(k) < 0)
      );
    };
    while (first < word.length && !xHeight(word[first]!)) first++;
    unit = word.slice(first);
    // One short piece after a number may be a small handwritten digit: a unit has two letters at least.
    if (unit.length < 2) return [];
  }
  // Beside one digit, that digit must be plain; a line of type needs two digits on it (DejaVu Serif bold's 1 and 0s
  // at 5.1-6.7 in "100 g").
  const onLine = group.filter(
    (k) => !unit.includes(k) && logitOf(k) > (typeset ? 0 : SURE_DIGIT_LOGIT) && standsOn(pieces[k]!.box, band, height),
  );
  return onLine.length >= (typeset ? 2 : 1) ? unit : [];
}

/**
 * A typeset number with a unit after it, which the word rule counted as letters: "99 g", whose g the check calls no
 * digit (-3.2) and makes the third of three pieces that makes type a word. The unit is what unitAfterNumber finds
 * on the number's line of type, and every other judged piece must pass the check and stand on that line. Returns the
 * unit, or null when the word is letters after all.
 */
export function unitBesideNumber(
  judged: JudgedPieces,
  word: readonly number[],
  group: readonly number[],
  edge: EdgeSigns,
): number[] | null {
  const { band } = edge;
  if (band === null) return null;
  const unit = unitAfterNumber(judged, word, group, band, true);
  return unit.length === 0 ? null : numberBeside(judged, word, band, unit);
}
