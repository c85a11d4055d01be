/** Client-side NaCl box, shared with the demo and the benchmark. */
export * from '../../scripts/lib/sealed';
