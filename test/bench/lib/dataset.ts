// The publish input: a deterministic directory, half incompressible bytes (AES-256-CTR keystream from a
// fixed seed) and half text (words from a list picked by a seeded PRNG); 75% of each half in two large
// files, the rest in many small ones (1–63 KiB) spread over directories of 64. Cached by size.
//
//   <root>/upack.json             the manifest the baseline zips (ours gets it as an argument)
//   <root>/package/assets/*.bin   large, incompressible      <root>/package/data/*.txt  large, text
//   <root>/package/bin/**.dat     small, incompressible      <root>/package/src/**.txt  small, text
//
// Another `DatasetShape` (the big-package case's `BIG_SHAPE`) changes the shares and the number of large files,
// and is cached under its own name.

import { createCipheriv, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DATASET_MANIFEST = { name: 'bench-data', version: '1.0.0', title: 'Benchmark input' };
const FORMAT = 2;

const WORDS = (
  'the of and to in is that for it as with was on be at by this had not are but from or have an they ' +
  'which one you were her all she there would their we him been has when who will more no if out so said ' +
  'what up its about into than them can only other new some could time these two may then do first any ' +
  'my now such like our over man me even most made after also did many before must through back years ' +
  'where much your way well down should because each just those people how too little state good very ' +
  'make world still own see men work long get here between both life being under never day same another ' +
  'know while last might us great old year off come since against go came right used take three package ' +
  'feed version build deploy release server client request response stream buffer promise function ' +
  'return const import export interface string number boolean undefined null error warning manifest ' +
  'dependency registry artifact pipeline workflow runner checksum archive compress upload download'
).split(' ');
const WORD_BYTES = WORDS.map((w) => Buffer.from(w, 'latin1'));

/** mulberry32: tiny, fast, seeded. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function textBytes(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  const rnd = prng(seed);
  let pos = 0;
  let col = 0;
  while (pos < size) {
    const w = WORD_BYTES[Math.floor(rnd() * WORD_BYTES.length)]!;
    for (let i = 0; i < w.length && pos < size; i++) out[pos++] = w[i]!;
    col += w.length + 1;
    if (pos < size) out[pos++] = col > 72 ? 10 : 32;
    if (col > 72) col = 0;
  }
  return out;
}

function randomStream(seed: string) {
  const key = createHash('sha256').update(`bench-random:${seed}`).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
}

const CHUNK = 4 * 1024 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

async function writeLarge(path: string, size: number, kind: 'random' | 'text', seed: number) {
  const fh = await open(path, 'w');
  try {
    const cipher = randomStream(String(seed));
    for (let done = 0, i = 0; done < size; i++) {
      const n = Math.min(CHUNK, size - done);
      const chunk = kind === 'random' ? cipher.update(ZEROS.subarray(0, n)) : textBytes(n, seed * 7919 + i);
      await fh.write(chunk);
      done += n;
    }
  } finally {
    await fh.close();
  }
}

/** How a dataset's bytes are split; `DEFAULT_SHAPE` is the publish case's input. */
export interface DatasetShape {
  /** Cache name suffix; '' for the default (its directory keeps the name it always had). */
  name: string;
  /** Share of the bytes that is incompressible (the rest is text). */
  randomShare: number;
  /** Share of each kind that goes into its large files (the rest into 1–63 KiB files). */
  largeShare: number;
  /** Large files of each kind. */
  largeFiles: number;
}

export const DEFAULT_SHAPE: DatasetShape = { name: '', randomShare: 0.5, largeShare: 0.75, largeFiles: 2 };

/**
 * The big-package input: 95 % incompressible, and nearly all of that in ONE file, so that at 4.5 GiB one
 * entry is larger than 4 GiB (ZIP64 sizes) and the package stays above 4 GiB zipped (ZIP64 offsets and end
 * records).
 */
export const BIG_SHAPE: DatasetShape = { name: 'big', randomShare: 0.95, largeShare: 0.95, largeFiles: 1 };

export interface Dataset {
  root: string;
  packageDir: string;
  bytes: number;
  files: number;
  /** The largest file's size. */
  largestFile: number;
}

/** Bytes of each kind, and the size of each large file of that kind. */
function split(bytes: number, shape: DatasetShape) {
  const random = Math.floor(bytes * shape.randomShare);
  const share = { random, text: bytes - random };
  const large = {
    random: Math.floor((share.random * shape.largeShare) / shape.largeFiles),
    text: Math.floor((share.text * shape.largeShare) / shape.largeFiles),
  };
  return { share, large };
}

/** Builds (or reuses) the dataset of `bytes` content bytes under `workDir`. */
export async function ensureDataset(
  workDir: string,
  bytes: number,
  log: (m: string) => void,
  shape: DatasetShape = DEFAULT_SHAPE,
): Promise<Dataset> {
  const root = join(workDir, shape.name ? `data-${shape.name}-${bytes}` : `data-${bytes}`);
  const { share, large } = split(bytes, shape);
  const largestFile = Math.max(large.random, large.text);
  const marker = `${root}.json`;
  if (existsSync(marker)) {
    const info = JSON.parse(await readFile(marker, 'utf8')) as { format: number; files: number };
    if (info.format === FORMAT)
      return { root, packageDir: join(root, 'package'), bytes, files: info.files, largestFile };
  }
  log(`generating the ${(bytes / 1024 / 1024).toFixed(0)} MiB input directory (cached in ${root})`);
  await rm(root, { recursive: true, force: true });
  await rm(marker, { force: true });
  const pkg = join(root, 'package');
  for (const d of ['assets', 'data', 'bin', 'src']) await mkdir(join(pkg, d), { recursive: true });
  await writeFile(join(root, 'upack.json'), `${JSON.stringify(DATASET_MANIFEST, null, 2)}\n`);

  let files = 0;
  for (let i = 0; i < shape.largeFiles; i++) {
    await writeLarge(join(pkg, 'assets', `blob-${i}.bin`), large.random, 'random', 1000 + i);
    await writeLarge(join(pkg, 'data', `corpus-${i}.txt`), large.text, 'text', 2000 + i);
    files += 2;
  }
  const rnd = prng(42);
  for (const kind of ['random', 'text'] as const) {
    let left = share[kind] - shape.largeFiles * large[kind];
    const cipher = randomStream(`small-${kind}`);
    for (let n = 0; left > 0; n++) {
      const size = Math.min(left, 1024 + Math.floor(rnd() * 62 * 1024));
      const dir = join(
        pkg,
        kind === 'random' ? 'bin' : 'src',
        `part-${String(Math.floor(n / 64)).padStart(3, '0')}`,
      );
      if (n % 64 === 0) await mkdir(dir, { recursive: true });
      const name = kind === 'random' ? `chunk-${n}.dat` : `file-${n}.txt`;
      await writeFile(
        join(dir, name),
        kind === 'random' ? cipher.update(ZEROS.subarray(0, size)) : textBytes(size, n),
      );
      left -= size;
      files++;
    }
  }
  await writeFile(marker, JSON.stringify({ format: FORMAT, bytes, files }));
  return { root, packageDir: pkg, bytes, files, largestFile };
}
