export * from './export-format';
export * from './invoice-reads';
export * from './charges-export';
export * from './invoices-export';
