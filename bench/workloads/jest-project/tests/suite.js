// The tests every test file registers (one file each, so jest can spread them over its workers): 8
// tests of a JSON round trip after an awaited timer, then sorting.
const { records, roundTrip, topScores } = require('./work.js');

exports.suite = function suite(n) {
  describe(`suite ${n}`, () => {
    for (let t = 0; t < 8; t++) {
      it(`round trip ${t}`, async () => {
        const rows = records(5_000, n * 100 + t);
        const back = await roundTrip(rows);
        expect(back).toHaveLength(rows.length);
        const top = topScores(back, 10);
        expect(top[0].score).toBeGreaterThanOrEqual(top[9].score);
      });
    }
  });
};
