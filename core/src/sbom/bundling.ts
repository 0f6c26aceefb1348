// What a bundle of this module must leave out: the CycloneDX library's optional plugins (XML writing and
// schema validation), which it require()s lazily inside try/catch and proget-ci never uses. Bundlers resolve
// those require()s eagerly and fail when the packages are absent, so mark these external.
export const SBOM_BUNDLE_EXTERNALS: readonly string[] = [
  'xmlbuilder2',
  'libxmljs2',
  'ajv',
  'ajv-formats',
  'ajv-formats-draft2019',
];
