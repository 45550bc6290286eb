import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capabilitiesFromMask } from './capabilities.js';
import { splitDevNumber } from './devices.js';
import { parseProcLimits } from './rlimits.js';

describe('host facts', () => {
  it('decodes capability masks', () => {
    assert.deepEqual(capabilitiesFromMask('0000000000000003'), ['CAP_CHOWN', 'CAP_DAC_OVERRIDE']);
    const all = capabilitiesFromMask('000001fffeffffff');
    assert.ok(!all.includes('CAP_SYS_RESOURCE') && all.includes('CAP_CHECKPOINT_RESTORE'));
  });
  it('parses /proc/self/limits', () => {
    const text = 'Limit                     Soft Limit           Hard Limit           Units     \n' +
      'Max open files            20000                20000                files     \n' +
      'Max core file size        0                    unlimited            bytes     \n';
    const m = parseProcLimits(text);
    assert.deepEqual(m.get('RLIMIT_NOFILE'), { soft: 20000, hard: 20000 });
    assert.deepEqual(m.get('RLIMIT_CORE'), { soft: 0, hard: Infinity });
  });
  it('splits device numbers', () => {
    assert.deepEqual(splitDevNumber(0x0103), { major: 1, minor: 3 });
    assert.deepEqual(splitDevNumber(0x8801), { major: 136, minor: 1 });
  });
});
