#!/usr/bin/env node
// Runs the Node build (made by `npm run build:node`, which `npm install` runs through `prepare`).
import('../dist/node/main.node.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('auren: dist/node is missing; run "npm run build:node" first\n');
    process.exit(1);
  }
  throw err;
});
