import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toIdx } from '../../feedback/idx-export.js';
import { openStore, resolveStoreLocation } from '../../feedback/open-store.js';
import { CORRECTION_STATUSES, type CorrectionStatus, type CorrectionStore } from '../../feedback/store.js';
import { describeFlags, parseArgs, type FlagSpecs } from '../args.js';
import { UsageError, type Command, type CliIO } from '../command.js';

const FLAGS = {
  db: {
    kind: 'value',
    valueName: 'FILE|URL',
    description: 'the store: a SQLite file or postgres:// URL (else DATABASE_URL, else DATA_DIR/feedback.sqlite)',
  },
  status: { kind: 'value', valueName: 'STATUS', description: 'list: only pending, accepted or rejected' },
  limit: { kind: 'value', valueName: 'N', description: 'list: at most N rows (default 100)' },
  out: { kind: 'value', valueName: 'DIR', description: 'export: folder for the IDX files (default .)' },
  json: { kind: 'boolean', description: 'print JSON' },
  help: { kind: 'boolean', description: 'show this help' },
} satisfies FlagSpecs;

const HELP = `Usage: mnist-digits feedback <list|show ID|accept ID...|reject ID...|export> [options]

  list          corrections, newest first: id, status, read -> right, time
  show ID       one correction, with its 28x28 picture(s) drawn in text
  accept ID...  mark corrections accepted (they go into train --feedback)
  reject ID...  mark corrections rejected
  export        accepted corrections as feedback-images-idx3-ubyte and feedback-labels-idx1-ubyte

${describeFlags(FLAGS)}`;

/** A 28x28 picture in text, two characters per pixel so it keeps its shape in a terminal. */
function drawPicture(pixels: Uint8Array): string {
  const shades = ' .:-=+*#%@';
  const rows: string[] = [];
  for (let y = 0; y < 28; y++) {
    let line = '';
    for (let x = 0; x < 28; x++) line += shades[Math.min(9, Math.floor(pixels[y * 28 + x]! / 25.6))]!.repeat(2);
    rows.push(line.trimEnd());
  }
  return rows.join('\n');
}

async function run(
  store: CorrectionStore,
  verb: string,
  ids: readonly string[],
  flags: Record<string, unknown>,
  io: CliIO,
) {
  switch (verb) {
    case 'list': {
      const status = flags['status'] as string | undefined;
      if (status !== undefined && !CORRECTION_STATUSES.includes(status as CorrectionStatus)) {
        throw new UsageError(`--status must be one of ${CORRECTION_STATUSES.join(', ')}, got '${status}'`);
      }
      const limit = flags['limit'] === undefined ? 100 : Number(flags['limit']);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit must be a positive integer`);
      const rows = await store.list({ ...(status ? { status: status as CorrectionStatus } : {}), limit });
      if (flags['json']) {
        io.stdout(`${JSON.stringify(rows.map(({ normalized: _, ...r }) => r))}\n`);
        return 0;
      }
      for (const r of rows) {
        io.stdout(
          `${r.id}  ${r.status.padEnd(8)}  ${(r.predicted || '?').padStart(3)} -> ${r.corrected.padEnd(3)}  ${r.createdAt}\n`,
        );
      }
      const counts = await store.counts();
      io.stderr(`${counts.pending} pending, ${counts.accepted} accepted, ${counts.rejected} rejected\n`);
      return 0;
    }
    case 'show': {
      if (ids.length !== 1) throw new UsageError('show takes one id');
      const row = await store.get(ids[0]!);
      if (row === undefined) {
        io.stderr(`error: no correction with id '${ids[0]}'\n`);
        return 1;
      }
      const { normalized, upload, ...rest } = row;
      io.stdout(`${JSON.stringify({ ...rest, uploadBytes: upload?.length ?? 0 }, null, 2)}\n`);
      if (!flags['json']) {
        for (let d = 0; d < row.corrected.length; d++)
          io.stdout(`${drawPicture(normalized.subarray(d * 784, (d + 1) * 784))}\n`);
      }
      return 0;
    }
    case 'accept':
    case 'reject': {
      if (ids.length === 0) throw new UsageError(`${verb} takes one or more ids (see 'feedback list')`);
      let missing = 0;
      for (const id of ids) {
        const done = verb === 'accept' ? await store.accept(id) : await store.reject(id);
        if (!done) {
          missing++;
          io.stderr(`error: no correction with id '${id}'\n`);
        } else io.stdout(`${id} ${verb}ed\n`);
      }
      return missing === 0 ? 0 : 1;
    }
    case 'export': {
      const out = (flags['out'] as string | undefined) ?? '.';
      const digits = await store.export();
      const { images, labels } = toIdx(digits);
      await mkdir(out, { recursive: true });
      await writeFile(join(out, 'feedback-images-idx3-ubyte'), images);
      await writeFile(join(out, 'feedback-labels-idx1-ubyte'), labels);
      io.stdout(`${digits.count} digits from ${digits.corrections} accepted corrections written to ${out}\n`);
      return 0;
    }
    default:
      throw new UsageError(`unknown feedback action '${verb}'; use list, show, accept, reject or export`);
  }
}

/** `mnist-digits feedback`: review the corrections store, the same one the server writes (DATA_DIR / DATABASE_URL). */
export const feedbackCommand: Command = {
  name: 'feedback',
  summary: 'review stored corrections: list, show, accept, reject, export as IDX',
  help: HELP,
  async run(args, io) {
    const { flags, positionals } = parseArgs(args, FLAGS);
    if (flags.help) {
      io.stdout(`${HELP}\n`);
      return 0;
    }
    const [verb, ...ids] = positionals;
    if (verb === undefined) throw new UsageError('feedback needs an action: list, show, accept, reject or export');
    if (!['list', 'show', 'accept', 'reject', 'export'].includes(verb)) {
      throw new UsageError(`unknown feedback action '${verb}'; use list, show, accept, reject or export`);
    }
    const store = await openStore(resolveStoreLocation(flags.db, process.env));
    try {
      return await run(store, verb, ids, flags, io);
    } finally {
      await store.close();
    }
  },
};
