// Bench server: one trivial route on node:http. Prints LISTENING <port>; exits on SIGINT.
const http = require('node:http');
const server = http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
process.on('SIGINT', () => { server.close(); server.closeAllConnections(); });
