// The `distributed` Jest project: scenarios start the distributed topology instead of the embedded platform.
process.env.E2E_DEPLOYMENT = 'distributed';
