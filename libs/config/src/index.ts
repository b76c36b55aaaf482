export * from './env.js';
export { ADDRESS_NAMES, createAddressMatcher, normalizeAddress, parseAddressList } from './address-list.js';
export { DEMO_DATA, WELL_KNOWN_KEYS, WELL_KNOWN_PASSWORDS, keyProblem, productionProblems } from './production.js';
