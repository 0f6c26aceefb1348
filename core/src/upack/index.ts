// The universal package format: manifest rules, version ordering, building and reading .upack files.

export * from './manifest.js';
export * from './versions.js';
export * from './build.js';
