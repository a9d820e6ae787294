import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../../src/platform/http/error-handler.js';

// How errors that are not AppErrors reach a caller: a transaction the database rolled back because of a
// concurrent one is the caller's to retry (409), anything unknown is a 500 that leaks nothing.
describe('error handler', () => {
  const app = Fastify({ logger: false });
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, detail: 'Process 123 waits for ShareLock on transaction 456' });
  beforeAll(async () => {
    app.setErrorHandler(errorHandler);
    // As drizzle reports a failed query: its own error, with the driver's as the cause.
    app.get('/deadlock', async () => {
      throw Object.assign(new Error('Failed query: update customers …'), { cause: pgError('40P01', 'deadlock detected') });
    });
    app.get('/serialization', async () => {
      throw pgError('40001', 'could not serialize access due to concurrent update');
    });
    app.get('/other', async () => {
      throw pgError('XX000', 'internal error in relation "customers"');
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('a deadlock or serialization failure is a 409 CONFLICT to send again, without the database message', async () => {
    for (const url of ['/deadlock', '/serialization']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(409);
      const body = res.json() as { error: { code: string; message: string } };
      expect(body.error.code).toBe('CONFLICT');
      expect(body.error.message).toBe('The change met a concurrent one and was rolled back; nothing was written, send it again');
      expect(res.body).not.toMatch(/deadlock|serialize|ShareLock|customers/);
    }
  });

  it('any other database error is a 500 that names nothing of it', async () => {
    const res = await app.inject({ method: 'GET', url: '/other' });
    expect(res.statusCode).toBe(500);
    expect((res.json() as { error: { code: string } }).error.code).toBe('INTERNAL');
    expect(res.body).not.toMatch(/customers|XX000/);
  });
});
