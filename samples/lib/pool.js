// A minimal fixed-size pool of worker threads or child processes.
//
//   const pool = createPool(2, () => new Worker(__filename));   // or () => fork(__filename, ['child'])
//   const result = await pool.run(task);                        // queued until a member is free
//   await pool.close();
//
// Each member answers every task message with exactly one result message: see serveTasks().
const { parentPort } = require('node:worker_threads');

const STOP = '__stop__';

function createPool(size, spawnMember) {
  const members = Array.from({ length: size }, spawnMember);
  const idle = [...members];
  const queue = [];

  const send = (member, message) => (member.postMessage ? member.postMessage(message) : member.send(message));

  function dispatch() {
    while (idle.length > 0 && queue.length > 0) {
      const member = idle.pop();
      const job = queue.shift();
      member.once('message', (result) => {
        idle.push(member);
        job.resolve(result);
        dispatch();
      });
      send(member, job.task);
    }
  }

  return {
    size,
    run(task) {
      return new Promise((resolve) => {
        queue.push({ task, resolve });
        dispatch();
      });
    },
    /** Lets every member finish and exit on its own (so profilers see a clean exit). */
    close() {
      const exits = members.map((member) => new Promise((resolve) => member.once('exit', resolve)));
      for (const member of members) send(member, STOP);
      return Promise.all(exits);
    },
  };
}

/** Member side: answer each task with handler(task) until the pool closes. */
function serveTasks(handler) {
  const channel = parentPort ?? process; // a worker thread, or a forked child process
  const reply = (message) => (parentPort ? parentPort.postMessage(message) : process.send(message));
  channel.on('message', async (task) => {
    if (task === STOP) return parentPort ? parentPort.close() : process.disconnect();
    reply(await handler(task));
  });
}

module.exports = { createPool, serveTasks };
