// The only module that touches `@actions/core`.

import * as core from '@actions/core';
import type { ActionIo } from './io.js';

export const actionsIo: ActionIo = {
  getInput: (name) => core.getInput(name, { trimWhitespace: false }),
  setSecret: (value) => core.setSecret(value),
  setOutput: (name, value) => core.setOutput(name, value),
  async appendSummary(markdown) {
    try {
      await core.summary.addRaw(markdown, true).write();
    } catch (e) {
      // Outside a runner (or on an old one) there is no GITHUB_STEP_SUMMARY: the summary is a nicety.
      core.debug(`job summary not written: ${e instanceof Error ? e.message : String(e)}`);
      core.summary.emptyBuffer();
    }
  },
  annotate(level, message, title, place) {
    const properties = {
      ...(title === undefined ? {} : { title }),
      ...(place === undefined ? {} : { file: place.file }),
      ...(place?.line === undefined ? {} : { startLine: place.line }),
    };
    if (level === 'error') core.error(message, properties);
    else if (level === 'warning') core.warning(message, properties);
    else core.notice(message, properties);
  },
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  setFailed: (message) => core.setFailed(message),
};
