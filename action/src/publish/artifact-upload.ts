// Bundled on its own (dist/artifact-upload.js) and imported only when `upload-artifact` is on: the
// artifact client is most of publish's code, and parsing it would slow every publish step's start.

import { DefaultArtifactClient } from '@actions/artifact';

export async function uploadArtifactFile(
  name: string,
  file: string,
  rootDirectory: string,
): Promise<number | undefined> {
  // A .upack is already compressed: store it.
  const response = await new DefaultArtifactClient().uploadArtifact(name, [file], rootDirectory, {
    compressionLevel: 0,
  });
  return response.id;
}
