export { doctor } from './doctor.js';
export { renderDoctorReport } from './render.js';
export { type ProGetVersion, parseProGetVersion } from './server-facts.js';
export type * from './types.js';
