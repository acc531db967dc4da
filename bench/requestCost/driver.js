'use strict';
// The request recording's driver (bench/requestCost.mjs): publishes node:http's server channels
// as Node does for a loaded keep-alive server (20 connections; each task starts one request per
// connection, whose handler answers at once; each response finishes in the task's ticks), with
// whatever the preload (-r) subscribed. Prints the process's CPU per request, in ns.
const dc = require('node:diagnostics_channel');
const start = dc.channel('http.server.request.start');
const finish = dc.channel('http.server.response.finish');
const accepted = dc.channel('net.server.socket');
const REQUESTS = Number(process.env.REQUEST_COST_REQUESTS || 2_000_000);
const CONNECTIONS = 20;
class Socket { constructor() { this.destroyed = false; } }
class IncomingMessage { constructor(socket) { this.method = 'GET'; this.url = '/items?id=1'; this.socket = socket; this.headers = {}; } }
class ServerResponse { constructor() { this.statusCode = 200; this.writableFinished = true; } }
const server = {};
const sockets = [];
for (let i = 0; i < CONNECTIONS; i++) {
  const socket = new Socket();
  sockets.push(socket);
  if (accepted.hasSubscribers) accepted.publish({ socket });
}
let done = 0;
const cpu0 = process.cpuUsage();
function task() {
  for (const socket of sockets) {
    const request = new IncomingMessage(socket), response = new ServerResponse();
    if (start.hasSubscribers) start.publish({ request, response, socket, server });
    process.nextTick(() => { if (finish.hasSubscribers) finish.publish({ request, response, socket, server }); });
  }
  done += CONNECTIONS;
  if (done < REQUESTS) { setImmediate(task); return; }
  const c = process.cpuUsage(cpu0);
  console.log(`NS_PER_REQUEST=${((c.user + c.system) * 1000 / REQUESTS).toFixed(1)}`);
}
setImmediate(task);
