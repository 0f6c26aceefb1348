// Imported first by tests that use nock: nock must patch node:http before the HTTP client module loads.
import 'nock';
