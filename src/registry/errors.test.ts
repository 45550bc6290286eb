import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError, isNotFound } from '../lib/errors/index.js';
import { errorResponse, registryError } from './errors.js';

describe('registry errors', () => {
  it('map each reason to the spec code and status, with detail and extra headers', () => {
    const e = errorResponse(registryError('blobUnknown', { digest: 'sha256:x' }));
    assert.equal(e.status, 404);
    assert.deepEqual(e.body, { errors: [{ code: 'BLOB_UNKNOWN', message: 'blob unknown to registry', detail: { digest: 'sha256:x' } }] });
    const range = errorResponse(registryError('rangeInvalid', undefined, { Range: '0-9' }));
    assert.deepEqual([range.status, range.code, range.headers], [416, 'BLOB_UPLOAD_INVALID', { Range: '0-9' }]);
    assert.deepEqual([errorResponse(registryError('manifestTooLarge')).status, errorResponse(registryError('manifestTooLarge')).code], [413, 'MANIFEST_INVALID']);
    assert.equal(errorResponse(registryError('manifestBlobUnknown')).status, 400);
    assert.equal(errorResponse(registryError('nameInvalid')).code, 'NAME_INVALID');
    assert.equal(errorResponse(registryError('unauthorized')).status, 401);
    assert.equal(errorResponse(registryError('denied')).status, 403);
  });

  it('carry a kind, so shared code classifies them', () => {
    assert.ok(isNotFound(registryError('manifestUnknown')));
  });

  it('turn kinds from shared code into a code, and anything else into a 500 that hides its message', () => {
    assert.equal(errorResponse(new InvalidArgumentError('bad descriptor')).status, 400);
    const e = errorResponse(new Error('EACCES /secret/path'));
    assert.equal(e.status, 500);
    assert.deepEqual(e.body, { errors: [{ code: 'UNKNOWN', message: 'internal server error' }] });
  });
});
