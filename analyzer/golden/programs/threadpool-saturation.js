'use strict';
// 32 concurrent pbkdf2 calls on the default 4-thread libuv pool. Expected: threadpool-saturation.
const crypto = require('crypto');
let done = 0;
for (let i = 0; i < 32; i++) {
  crypto.pbkdf2('secret', `salt-${i}`, 10000, 64, 'sha512', (err) => {
    if (err) throw err;
    if (++done === 32) console.log('done');
  });
}
