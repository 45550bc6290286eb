import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IpError, ipBatch, parseIpFailure } from './ip.js';

describe('ip seam', () => {
  it('reads the failing batch line and ip\'s words from stderr', () => {
    assert.deepEqual(parseIpFailure('RTNETLINK answers: File exists\nCommand failed -:2\n'), { detail: 'RTNETLINK answers: File exists', line: 2 });
    assert.deepEqual(parseIpFailure('Error: ipv4: Address not found.\nCommand failed -:1\n'), { detail: 'ipv4: Address not found.', line: 1 });
    assert.deepEqual(parseIpFailure('Cannot find device "x"\n'), { detail: 'Cannot find device "x"', line: 0 });
  });

  it('classifies absent and existing objects', () => {
    assert.ok(new IpError('Cannot find device "veth1"', 1, 'link del veth1').isAbsent);
    assert.ok(new IpError('Device "x" does not exist.', 1, '').isAbsent);
    assert.ok(new IpError('RTNETLINK answers: File exists', 1, '').isExists);
    assert.ok(!new IpError('RTNETLINK answers: File exists', 1, '').isAbsent);
  });

  it('names the namespace and the failing line in its message', () => {
    const e = new IpError('RTNETLINK answers: File exists', 2, 'addr add 10.0.0.1/24 dev eth0', 'berth-abc');
    assert.equal(e.message, 'ip -n berth-abc addr add 10.0.0.1/24 dev eth0: RTNETLINK answers: File exists');
    assert.equal(e.kind, 'internal');
  });

  it('refuses a line that would split into two batch commands', async () => {
    await assert.rejects(ipBatch(['link del x\nlink del y']), /line break/);
  });
});
