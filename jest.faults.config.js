/** `npm run test:faults`: the fault-injection suites (test/faults), apart from the rest: they stop shared engines (Kafka). */
const base = require('./jest.config.js');
const common = base.projects[0];

module.exports = {
  testTimeout: 900000,
  reporters: ['default', ['<rootDir>/test/summary-reporter.js', { label: 'faults' }]],
  projects: [{ ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.faults.spec.ts'], testPathIgnorePatterns: ['/node_modules/'] }],
};
