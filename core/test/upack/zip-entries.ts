// The raw central-directory records of a zip, read with yauzl: what readPackage does not expose (dates,
// modes, methods, sizes), for tests that check how a package was written.

import yauzl from 'yauzl';

export function zipEntries(path: string): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: false }, (err, zip) => {
      if (err) return reject(err);
      const list: yauzl.Entry[] = [];
      zip.on('entry', (e: yauzl.Entry) => list.push(e));
      zip.on('end', () => resolve(list));
      zip.on('error', reject);
    });
  });
}
