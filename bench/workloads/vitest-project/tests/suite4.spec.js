import { describe, it, expect } from 'vitest';
import { records, roundTrip, topScores } from './work.js';

describe('suite 4', () => {
  for (let t = 0; t < 8; t++) {
    it(`round trip ${t}`, async () => {
      const rows = records(5_000, 4 * 100 + t);
      const back = await roundTrip(rows);
      expect(back).toHaveLength(rows.length);
      const top = topScores(back, 10);
      expect(top[0].score).toBeGreaterThanOrEqual(top[9].score);
    });
  }
});
