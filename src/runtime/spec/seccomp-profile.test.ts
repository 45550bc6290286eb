import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSeccompProfile, kernelOf, seccompFromProfile } from './seccomp-profile.js';

const target = { capabilities: ['CAP_CHOWN', 'CAP_SYS_CHROOT'], arch: 'x64', kernel: '5.10.0-28-amd64' };

test('a profile in Docker\'s format becomes the OCI filter for one container', () => {
  const profile = decodeSeccompProfile(JSON.stringify({
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    archMap: [
      { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
      { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
    ],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { name: 'getpid', action: 'SCMP_ACT_ALLOW', comment: 'the old single-name form' },
      { names: ['chroot'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_CHROOT'] } },
      { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN', 'CAP_SYS_CHROOT'] } },
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
      { names: ['set_tls'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm64'] } },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4.8' } },
      { names: ['statmount'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '6.8' } },
      { names: ['kcmp'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_CHOWN'] } },
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 38, op: 'SCMP_CMP_LT' }] },
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
    ],
  }));
  const oci = seccompFromProfile(profile, target)!;
  assert.deepEqual(oci, {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { names: ['getpid'], action: 'SCMP_ACT_ALLOW' },
      { names: ['chroot'], action: 'SCMP_ACT_ALLOW' },
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW' },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW' },
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 38, op: 'SCMP_CMP_LT' }] },
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] },
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
    ],
  });
  const arm = seccompFromProfile(profile, { ...target, arch: 'arm64', kernel: '6.8.0' })!;
  assert.deepEqual(arm.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  const names = arm.syscalls!.flatMap((s) => s.names);
  assert.ok(names.includes('set_tls') && names.includes('statmount') && !names.includes('arch_prctl'));
});

test('fixed architectures pass through; an empty profile means no filter, as in Docker', () => {
  const oci = seccompFromProfile(decodeSeccompProfile('{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"syscalls":null}'), target)!;
  assert.deepEqual(oci, { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [] });
  assert.equal(seccompFromProfile(decodeSeccompProfile('{}'), target), undefined);
});

test('field names match whatever their case, as Go decodes them', () => {
  const oci = seccompFromProfile(decodeSeccompProfile('{"DefaultAction":"SCMP_ACT_ALLOW","Syscalls":[{"Names":["mkdir"],"Action":"SCMP_ACT_ERRNO","ErrnoRet":13}]}'), target)!;
  assert.deepEqual(oci.syscalls, [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }]);
});

test('a malformed profile is refused with the reason', () => {
  const refused = (profile: string, reason: RegExp): void => {
    assert.throws(() => decodeSeccompProfile(profile), (e: Error & { kind?: string }) => {
      assert.equal(e.kind, 'invalid-argument');
      assert.match(e.message, reason);
      return true;
    }, profile);
  };
  const decoding = (s: string): RegExp => new RegExp(`^Decoding seccomp profile failed: ${s}`);
  refused('{not json', decoding('not valid JSON'));
  refused('[]', decoding('the profile must be an object'));
  refused('{"defaultAction":1}', decoding('defaultAction must be a string, not number'));
  refused('{"defaultAction":"SCMP_ACT_MAYBE"}', decoding('defaultAction: unknown action "SCMP_ACT_MAYBE"'));
  refused('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":{}}', decoding('syscalls must be an array'));
  refused('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":"read","action":"SCMP_ACT_ALLOW"}]}', decoding('syscalls\\[0\\]\\.names must be an array of strings'));
  refused('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[],"action":"SCMP_ACT_ALLOW"}]}', decoding('syscalls\\[0\\]: a rule needs at least one syscall name'));
  refused('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","errnoRet":-1}]}', decoding('syscalls\\[0\\]\\.errnoRet must be a non-negative integer'));
  refused('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":6,"value":0,"op":"SCMP_CMP_EQ"}]}]}', decoding('syscalls\\[0\\]\\.args\\[0\\]\\.index'));
  refused('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":0,"op":"SCMP_CMP_ABOUT"}]}]}', decoding('syscalls\\[0\\]\\.args\\[0\\]\\.op: unknown operator'));
  refused('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18446744073709551615,"op":"SCMP_CMP_EQ"}]}]}', decoding('syscalls\\[0\\]\\.args\\[0\\]\\.value: .* is too large'));
  refused('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"4"}}]}', decoding('invalid kernel version: "4"'));
  refused('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"0.0"}}]}', /version cannot be 0\.0/);
  refused('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_NOTIFY"}]}', decoding('syscalls\\[0\\]\\.action: SCMP_ACT_NOTIFY is not supported'));
  refused('{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_Z80"]}', decoding('architectures\\[0\\]: unknown architecture "SCMP_ARCH_Z80"'));
  refused('{"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}', decoding('defaultAction is required'));
  // Docker's own wording for these two.
  refused('{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"read","names":["write"],"action":"SCMP_ACT_ALLOW"}]}', /^both 'name' and 'names' are specified in the seccomp profile/);
  refused('{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64"}]}', /^both 'architectures' and 'archMap' are specified/);
});

test('kernel releases compare by their first two numbers', () => {
  assert.deepEqual(kernelOf('6.18.44-fc-v1045'), [6, 18]);
  assert.deepEqual(kernelOf('4.8-rc5'), [4, 8]);
  assert.deepEqual(kernelOf('weird'), [0, 0]);
});
