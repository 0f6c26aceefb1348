// The universal package format: manifest rules, version ordering, building and reading .upack files.

export * from './build.js';
export * from './manifest.js';
export * from './read.js';
export * from './versions.js';
