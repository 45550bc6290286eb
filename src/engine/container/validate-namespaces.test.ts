import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateNamespaceModes } from './validate-namespaces.js';

const refused = (hc: Record<string, unknown>, message: string, hostname = ''): void => {
  assert.throws(() => validateNamespaceModes(hc, hostname), (err: Error & { kind?: string }) => err.kind === 'invalid-argument' && err.message === message);
};

test('namespace modes are the ones Docker knows', () => {
  for (const hc of [{ IpcMode: 'host' }, { IpcMode: 'shareable' }, { IpcMode: 'container:web' }, { PidMode: 'host' }, { PidMode: 'container:x' },
    { UTSMode: 'host' }, { CgroupnsMode: 'host' }, { CgroupnsMode: 'private' }, { UsernsMode: 'host' }]) {
    validateNamespaceModes(hc, '');
  }
  refused({ IpcMode: 'bogus' }, 'invalid IPC mode: bogus');
  refused({ IpcMode: 'container:' }, 'invalid IPC mode: container:');
  refused({ PidMode: 'private2' }, 'invalid PID mode: private2');
  refused({ UTSMode: 'x' }, 'invalid UTS mode: x');
  refused({ CgroupnsMode: 'bogus' }, 'invalid cgroup namespace mode: bogus');
  refused({ UsernsMode: 'remap' }, 'invalid USER mode: remap');
  refused({ UTSMode: 'host' }, 'conflicting options: hostname and the UTS mode', 'myhost');
});

test('only namespaced sysctls, and only in a namespace of the container\'s own', () => {
  validateNamespaceModes({ Sysctls: { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '1000', 'fs.mqueue.msg_max': '20' } }, '');
  refused({ Sysctls: { 'vm.swappiness': '10' } }, "sysctl 'vm.swappiness=10' is not allowed");
  refused({ Sysctls: { 'kernel.hostname': 'x' } }, "sysctl 'kernel.hostname=x' is not allowed");
  refused({ NetworkMode: 'host', Sysctls: { 'net.ipv4.ip_forward': '1' } }, 'sysctl "net.ipv4.ip_forward" not allowed in host network namespace');
  refused({ IpcMode: 'host', Sysctls: { 'kernel.sem': '1 2 3 4' } }, 'sysctl "kernel.sem" is not allowed in the hosts ipc namespace');
});
