export * from './env.js';
export { ADDRESS_NAMES, createAddressMatcher, normalizeAddress, parseAddressList } from './address-list.js';
export { DEMO_DATA, WELL_KNOWN_KEYS, WELL_KNOWN_PASSWORDS, WELL_KNOWN_S3_CREDENTIALS, keyProblem, productionProblems } from './production.js';
