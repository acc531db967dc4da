'use strict';
// One pool task: `rounds` chained SHA-256 digests of a 1 KiB buffer (pure CPU on the worker).
const { createHash } = require('node:crypto');

module.exports = ({ seed, rounds }) => {
  let buf = Buffer.alloc(1024, seed & 0xff);
  for (let i = 0; i < rounds; i++) buf = Buffer.concat([createHash('sha256').update(buf).digest(), buf.subarray(32)]);
  return buf.subarray(0, 8).toString('hex');
};
