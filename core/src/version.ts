// Sent in the default User-Agent; kept in step with core/package.json by hand (no JSON import at runtime).
export const PROGET_CI_VERSION = '0.1.0';
