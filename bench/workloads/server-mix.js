// Bench server: a realistic Express 5 mix. /fast (JSON), /io (an awaited 5 ms timer, as a
// database call would be), /cpu (a ~1 ms JSON round trip), /items/:id (a route parameter).
// Prints LISTENING <port>; exits on SIGINT.
const express = require('express');
const { setTimeout: sleep } = require('node:timers/promises');
const doc = Array.from({ length: 600 }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b'] }));
const app = express();
app.get('/fast', (req, res) => { res.json({ ok: true }); });
app.get('/io', async (req, res) => { await sleep(5); res.json({ rows: 3 }); });
app.get('/cpu', (req, res) => { res.json({ n: JSON.parse(JSON.stringify(doc)).length }); });
app.get('/items/:id', (req, res) => { res.json({ id: req.params.id }); });
const server = app.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
process.on('SIGINT', () => { server.close(); server.closeAllConnections(); });
