import { describe, expect, it } from 'vitest';
import { isConnectionError } from '../../../server/db/index.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });
const timeout = Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), {
  name: 'KnexTimeoutError',
});

describe('isConnectionError', () => {
  it.each([
    ['a refused connect', withCode('ECONNREFUSED'), true],
    ['a reset connection', withCode('ECONNRESET'), true],
    [
      'an administrator shutdown (57P01)',
      withCode('57P01', 'terminating connection due to administrator command'),
      true,
    ],
    ['a connection exception (08006)', withCode('08006'), true],
    ['a connection cut mid-query', new Error('Connection terminated unexpectedly'), true],
    ['a connect that timed out', new Error('Connection terminated due to connection timeout'), true],
    ['a pool wait that timed out', timeout, true],
    ['a wrapped cause', new Error('step failed', { cause: withCode('ECONNREFUSED') }), true],
    ['a unique violation (23505)', withCode('23505', 'duplicate key value'), false],
    ['a statement timeout (57014)', withCode('57014', 'canceling statement due to statement timeout'), false],
    ['a plain error', new Error('boom'), false],
    ['not an error', 'ECONNREFUSED', false],
  ])('%s → %s', (_name, err, expected) => {
    expect(isConnectionError(err)).toBe(expected);
  });
});
