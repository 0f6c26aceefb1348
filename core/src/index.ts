// Public API of @proget-ci/core.

export { deploymentBody } from './areas/deployments.js';
export { normalizeFeedType } from './areas/feeds.js';
export { CONNECTOR_HEALTH_REMOVED, healthFromText } from './areas/health.js';
export { OVERWRITE_MESSAGE } from './areas/overwrite.js';
export { findPromotion, type PromotionMatch, type PromotionQuery } from './areas/promotions.js';
export type * from './areas/sca/api.js';
export { ScaRateLimitError } from './areas/sca/calls.js';
export type * from './areas/sca/types.js';
export {
  describeServer,
  mayIgnoreMissingGroup,
  parseEdition,
  parseServerVersion,
} from './areas/server.js';
export { DEFAULTS, ProGetClient } from './client.js';
export type * from './client-api.js';
export * from './doctor/index.js';
export * from './errors.js';
export { HashingStream, hashFile } from './hashing.js';
export { holdYoungGeneration } from './heap.js';
export { isVersionSelector, resolveLatest, type VersionSelector } from './latest.js';
export * from './links.js';
export { redactUrl } from './redact.js';
export * from './server-url.js';
export { parseContentDisposition } from './transport/download.js';
export type * from './types.js';
export { describePackage } from './upack/describe.js';
export * from './upack/index.js';
export { PROGET_CI_VERSION } from './version.js';
