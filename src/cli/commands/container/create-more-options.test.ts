import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMount } from './create-more-options.js';

describe('--mount bind options', () => {
  it('maps bind-recursive, bind-propagation and bind-create-src to BindOptions as the docker CLI does', () => {
    const bind = 'type=bind,src=/a,dst=/b';
    assert.deepEqual(parseMount(`${bind},bind-recursive=disabled`).BindOptions, { NonRecursive: true });
    assert.deepEqual(parseMount(`${bind},readonly,bind-recursive=writable`).BindOptions, { ReadOnlyNonRecursive: true });
    assert.deepEqual(parseMount(`${bind},readonly,bind-recursive=readonly,bind-propagation=rprivate`).BindOptions, { ReadOnlyForceRecursive: true, Propagation: 'rprivate' });
    assert.equal(parseMount(`${bind},bind-recursive=enabled`).BindOptions, undefined);
    assert.deepEqual(parseMount(`${bind},bind-create-src=true,bind-propagation=RSHARED`).BindOptions, { CreateMountpoint: true, Propagation: 'rshared' });
  });

  it('refuses what the docker CLI refuses, in its words', () => {
    const refused = (spec: string, why: string): void => {
      assert.throws(() => parseMount(spec), { message: `invalid argument "${spec}" for "--mount" flag: ${why}` });
    };
    refused('type=bind,src=/a,dst=/b,bind-recursive=yes', 'invalid value for bind-recursive: yes (must be "enabled", "disabled", "writable", or "readonly")');
    refused('type=bind,src=/a,dst=/b,bind-recursive=writable', "option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction");
    refused('type=bind,src=/a,dst=/b,bind-recursive=readonly', "option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction");
    refused('type=bind,src=/a,dst=/b,readonly,bind-recursive=readonly', "option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction");
    refused('type=volume,dst=/b,bind-recursive=disabled', "cannot mix 'bind-*' options with mount type 'volume'");
    refused('type=bind,src=/a,dst=/b,bind-create-src', "invalid field 'bind-create-src' must be a key=value pair");
  });
});
