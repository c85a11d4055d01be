/** Jest 30 + @swc/jest. NestJS 12 ships ESM only, so node_modules/@nestjs is transformed to CommonJS too. */
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' }, module: { type: 'commonjs' } }];
const common = {
  testTimeout: 60000,
  testEnvironment: 'node',
  moduleNameMapper: { '^@ventana/(domain|event-store|projections|platform|subscriptions)$': '<rootDir>/libs/$1/src' },
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|uuid)/)'],
  // The fault-injection suites stop shared engines: they run on their own (jest.faults.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/faults/'],
};

/**
 * The API scenarios that only speak HTTP: they run again, unchanged, against the distributed topology.
 * The fuzz too, with fewer cases: the gateway and PostgreSQL fail on input the embedded default takes.
 */
const API_SCENARIOS = [
  'happy-path',
  'window-and-consent',
  'templates',
  'blocks-and-preferences',
  'free-entry-point',
  'limits',
  'messaging-tiers',
  'pricing-and-billing',
  'lifecycle-and-webhooks',
  'dashboard',
  'fuzz',
].map((name) => `<rootDir>/test/e2e/${name}.spec.ts`);

/** Whether host:port accepts a connection, asked synchronously (the config is loaded synchronously). */
function answers(hostPort) {
  const [host, port] = hostPort.split(':');
  const probe = `require('net').connect(${Number(port)}, ${JSON.stringify(host)}).on('connect', () => process.exit(0)).on('error', () => process.exit(1)).setTimeout(2000, () => process.exit(1))`;
  try {
    require('node:child_process').execFileSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

// Without the engines the distributed scenarios are left out (with a note), unless REQUIRE_INFRA=1, where they then fail.
const engines = [new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test').host, (process.env.TEST_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',')[0]];
const distributed = process.env.REQUIRE_INFRA === '1' || engines.every(answers);
if (!distributed) console.warn(`distributed scenarios skipped: ${engines.join(' and ')} must answer (npm run infra:up)`);

module.exports = {
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
  projects: [
    { ...common, displayName: 'embedded', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    ...(distributed ? [{ ...common, displayName: 'distributed', testMatch: API_SCENARIOS, setupFiles: ['<rootDir>/test/support/distributed-deployment.js'] }] : []),
  ],
};
