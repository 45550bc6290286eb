import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyCreatedBy, goQuoteList, metadataCreatedBy, nopCreatedBy, runCreatedBy } from './history.js';
import { goDuration, healthcheckConfig } from './config-changes.js';

const sh = ['/bin/sh', '-c'];

describe('history created_by, as Docker writes it', () => {
  it('metadata steps: two spaces after #(nop), commands as Go quotes them', () => {
    assert.equal(metadataCreatedBy(sh, `CMD ${goQuoteList(['sh'])}`), '/bin/sh -c #(nop)  CMD ["sh"]');
    assert.equal(metadataCreatedBy(sh, `CMD ${goQuoteList(['/bin/sh', '-c', 'echo "hi"'])}`), '/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "echo \\"hi\\""]');
    assert.equal(metadataCreatedBy(sh, 'ENV A=1 B=2'), '/bin/sh -c #(nop)  ENV A=1 B=2');
  });

  it('WORKDIR and COPY: one element, one space; COPY names the content hash and ends in a space', () => {
    assert.equal(nopCreatedBy(sh, 'WORKDIR /app'), '/bin/sh -c #(nop) WORKDIR /app');
    assert.equal(copyCreatedBy(sh, 'COPY', 'file', 'abc', '/app/'), '/bin/sh -c #(nop) COPY file:abc in /app/ ');
    assert.equal(copyCreatedBy(['/bin/bash', '-c'], 'ADD', 'multi', 'f00', '.'), '/bin/bash -c #(nop) ADD multi:f00 in . ');
  });

  it('RUN: the command line, prefixed by the sorted build args it saw', () => {
    assert.equal(runCreatedBy([...sh, 'echo hi'], []), '/bin/sh -c echo hi');
    assert.equal(runCreatedBy([...sh, 'echo $X'], ['X=y']), '|1 X=y /bin/sh -c echo $X');
    assert.equal(runCreatedBy(['echo', 'a'], ['Z=1', 'A=2']), '|2 A=2 Z=1 echo a');
  });

  it('HEALTHCHECK: Go durations and the retries as Go prints a rune', () => {
    assert.equal(goDuration(30e9), '30s');
    assert.equal(goDuration(90e9), '1m30s');
    assert.equal(goDuration(5e8), '500ms');
    assert.equal(goDuration(3600e9), '1h0m0s');
    const hc = healthcheckConfig({ test: ['CMD-SHELL', 'true'], interval: 5e9, retries: 3 });
    assert.deepEqual(hc.config, { Test: ['CMD-SHELL', 'true'], Interval: 5e9, Retries: 3 });
    assert.equal(hc.comment, 'HEALTHCHECK &{["CMD-SHELL" "true"] "5s" "0s" "0s" "0s" \'\\x03\'}');
  });
});
