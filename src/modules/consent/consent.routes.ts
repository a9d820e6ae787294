import { z } from 'zod';
import { actorOf } from '../../platform/http/auth-hook.js';
import { idParam, stdErrors } from '../../platform/http/common.schemas.js';
import type { HttpApp } from '../../platform/http/types.js';
import { closeRequestBody, createRequestBody, eraseBody, rectifyBody, restrictBody, retentionPolicyBody, retentionRunBody } from '../dsr/dsr.schemas.js';
import { createLinkBody } from '../portal/portal.service.js';
import type { ConsentServices } from './consent.composition.js';
import { toCsv } from './csv-out.js';
import { checkQuery, checkResultView, createChannelBody, createPurposeBody, importConsentBody, marketingExportBody, recordConsentBody, restrictionStatusView, updatePurposeBody, withdrawBody } from './consent.schemas.js';
import { restrictionStatus } from './restriction-status.js';

const formatQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });
const customerParam = z.object({ id: z.string().min(1).max(200) });

/** Staff API: consent ledger, marketing exports, data-subject requests, retention, portal links. */
export function registerConsentRoutes(app: HttpApp, s: ConsentServices): void {
  const { consent, marketing, dsr, portal } = s;

  // ---- consent ----
  app.get('/api/v1/consent/check', {
    schema: { tags: ['consent'], summary: 'Is contact allowed? allowed yes/no, the reason and the deciding consent record', querystring: checkQuery, response: { 200: checkResultView, ...stdErrors } },
  }, async (req) => consent.check(actorOf(req), req.query.customer, req.query.purpose, req.query.channel));

  app.get('/api/v1/consent/purposes', { schema: { tags: ['consent'], summary: 'Purposes with their current notice', querystring: z.object({ archived: z.enum(['true', 'false']).optional() }) } }, async (req) => ({
    items: await consent.listPurposes(actorOf(req), { includeArchived: req.query.archived === 'true' }),
  }));
  app.post('/api/v1/consent/purposes', { schema: { tags: ['consent'], summary: 'Define a purpose with its first notice text', body: createPurposeBody } }, async (req, reply) =>
    reply.status(201).send(await consent.createPurpose(actorOf(req), req.body)),
  );
  app.get('/api/v1/consent/purposes/:id', { schema: { tags: ['consent'], summary: 'One purpose with every notice version', params: idParam } }, async (req) => consent.getPurpose(actorOf(req), req.params.id));
  app.patch('/api/v1/consent/purposes/:id', { schema: { tags: ['consent'], summary: 'Change a purpose; a new notice text becomes a new version', params: idParam, body: updatePurposeBody } }, async (req) =>
    consent.updatePurpose(actorOf(req), req.params.id, req.body),
  );
  app.get('/api/v1/consent/channels', { schema: { tags: ['consent'], summary: 'Contact channels' } }, async (req) => ({ items: await consent.listChannels(actorOf(req)) }));
  app.post('/api/v1/consent/channels', { schema: { tags: ['consent'], summary: 'Add a contact channel', body: createChannelBody } }, async (req, reply) =>
    reply.status(201).send(await consent.createChannel(actorOf(req), req.body)),
  );

  app.post('/api/v1/consent/records', { schema: { tags: ['consent'], summary: 'Record a grant, denial or withdrawal (appends an event; the state follows)', body: recordConsentBody } }, async (req, reply) =>
    reply.status(201).send(await consent.record(actorOf(req), req.body)),
  );
  app.post('/api/v1/consent/withdraw', { schema: { tags: ['consent'], summary: 'Withdraw consent for a purpose and channel (one call)', body: withdrawBody } }, async (req, reply) =>
    reply.status(201).send(await consent.withdraw(actorOf(req), req.body)),
  );
  app.get('/api/v1/consent/customers/:id', { schema: { tags: ['consent'], summary: "A customer's current consents and full history", params: customerParam } }, async (req) => {
    const actor = actorOf(req);
    return { current: await consent.currentOf(actor, req.params.id), history: await consent.historyOf(actor, req.params.id) };
  });
  app.get('/api/v1/consent/customers/:id/proof', { schema: { tags: ['consent'], summary: 'Export the consent ledger of a customer with proof (JSON or CSV)', params: customerParam, querystring: formatQuery } }, async (req, reply) => {
    const events = await consent.historyOf(actorOf(req), req.params.id);
    if (req.query.format === 'json') return { customerId: req.params.id, exportedAt: new Date().toISOString(), events };
    const csv = toCsv(
      ['event_id', 'seq', 'purpose', 'channel', 'status', 'lawful_basis', 'notice_version', 'captured_at', 'valid_until', 'source', 'actor_type', 'actor_id', 'proof_form_id', 'proof_notice_id', 'proof_ip', 'proof_user_agent', 'proof_hash', 'recorded_at'],
      events.map((e) => [e.id, e.seq, e.purpose, e.channel, e.status, e.lawfulBasis, e.noticeVersion, e.capturedAt, e.validUntil, e.source, e.actorType, e.actorId, e.proof.formId, e.proof.noticeId, e.proof.ip, e.proof.userAgent, e.proof.hash, e.recordedAt]),
    );
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="consent-${req.params.id}.csv"`).send(csv);
  });
  app.post('/api/v1/consent/import', { schema: { tags: ['consent'], summary: 'Bulk import consents (JSON rows or CSV); invalid rows are quarantined with reasons', body: importConsentBody } }, async (req) =>
    consent.importMany(actorOf(req), req.body),
  );
  app.get('/api/v1/consent/import/quarantine', { schema: { tags: ['consent'], summary: 'Quarantined consent import rows', querystring: z.object({ batch: z.string().max(200).optional() }) } }, async (req) => ({
    items: await consent.listImportQuarantine(actorOf(req), req.query.batch),
  }));
  app.get('/api/v1/consent/coverage', { schema: { tags: ['consent'], summary: 'Consent coverage KPIs: share of active customers with a valid consent per purpose and channel' } }, async (req) => consent.coverage(actorOf(req)));
  app.post('/api/v1/consent/expire', { schema: { tags: ['consent'], summary: 'Expire consents past their end date now (also runs in the background)' } }, async (req) => {
    actorOf(req).require('consent:admin');
    return { expired: await consent.expireDue() };
  });

  app.post('/api/v1/exports/marketing', { schema: { tags: ['consent'], summary: 'Export the audience with a valid consent for a purpose and channel (logged)', body: marketingExportBody } }, async (req, reply) => {
    const out = await marketing.export(actorOf(req), req.body);
    if (out.csv !== undefined) {
      return reply.type('text/csv; charset=utf-8').header('x-export-id', out.id).header('content-disposition', `attachment; filename="${out.purpose}-${out.channel}.csv"`).send(out.csv);
    }
    return out;
  });
  app.get('/api/v1/exports/marketing', { schema: { tags: ['consent'], summary: 'Marketing export log: who exported what and when' } }, async (req) => ({ items: await marketing.list(actorOf(req)) }));

  // ---- data-subject rights ----
  app.get('/api/v1/dsr/requests', { schema: { tags: ['dsr'], summary: 'Data-subject requests with deadlines (overdue=true for late ones)' } }, async (req) => ({ items: await dsr.listRequests(actorOf(req), req.query) }));
  app.post('/api/v1/dsr/requests', { schema: { tags: ['dsr'], summary: 'Log a data-subject request (due in 30 days unless given)', body: createRequestBody } }, async (req, reply) =>
    reply.status(201).send(await dsr.createRequest(actorOf(req), req.body)),
  );
  app.get('/api/v1/dsr/requests/:id', { schema: { tags: ['dsr'], params: idParam } }, async (req) => dsr.getRequest(actorOf(req), req.params.id));
  app.post('/api/v1/dsr/requests/:id/complete', { schema: { tags: ['dsr'], params: idParam, body: closeRequestBody.optional() } }, async (req) => dsr.closeRequest(actorOf(req), req.params.id, 'completed', req.body ?? {}));
  app.post('/api/v1/dsr/requests/:id/reject', { schema: { tags: ['dsr'], params: idParam, body: closeRequestBody.optional() } }, async (req) => dsr.closeRequest(actorOf(req), req.params.id, 'rejected', req.body ?? {}));

  app.get('/api/v1/dsr/customers/:id/export', { schema: { tags: ['dsr'], summary: 'Access / portability: everything held about a customer (JSON or CSV)', params: customerParam, querystring: formatQuery } }, async (req, reply) => {
    const out = await dsr.accessExport(actorOf(req), req.params.id, req.query.format);
    if (out.csv !== undefined) return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="customer-${req.params.id}.csv"`).send(out.csv);
    return out.bundle;
  });
  app.post('/api/v1/dsr/customers/:id/rectify', { schema: { tags: ['dsr'], summary: 'Correct values of a record of the customer (new version, history kept)', params: customerParam, body: rectifyBody } }, async (req) =>
    dsr.rectify(actorOf(req), req.params.id, req.body),
  );
  app.post('/api/v1/dsr/customers/:id/erase', { schema: { tags: ['dsr'], summary: 'Erase (or anonymise) the customer everywhere; keeps a tombstone', params: customerParam, body: eraseBody } }, async (req) =>
    dsr.erase(actorOf(req), req.params.id, req.body),
  );
  app.post('/api/v1/dsr/customers/:id/restriction', { schema: { tags: ['dsr'], summary: 'Restrict processing (no processing, exports or contact) until lifted', params: customerParam, body: restrictBody.optional() } }, async (req, reply) =>
    reply.status(201).send(await dsr.restrict(actorOf(req), req.params.id, req.body ?? {})),
  );
  app.get('/api/v1/dsr/customers/:id/restriction', { schema: { tags: ['dsr'], summary: 'Whether processing of the customer is restricted', params: customerParam, response: { 200: restrictionStatusView, ...stdErrors } } }, async (req) =>
    restrictionStatus(actorOf(req), dsr, req.params.id),
  );
  app.delete('/api/v1/dsr/customers/:id/restriction', { schema: { tags: ['dsr'], summary: 'Lift a restriction', params: customerParam } }, async (req) => dsr.liftRestriction(actorOf(req), req.params.id));
  app.get('/api/v1/dsr/tombstones', { schema: { tags: ['dsr'], summary: 'Erased customers (no personal data)' } }, async (req) => ({ items: await dsr.listTombstones(actorOf(req)) }));
  app.get('/api/v1/dsr/retention/policies', { schema: { tags: ['dsr'], summary: 'Retention policies per schema' } }, async (req) => ({ items: await dsr.listRetentionPolicies(actorOf(req)) }));
  app.put('/api/v1/dsr/retention/policies/:id', { schema: { tags: ['dsr'], summary: 'Set the retention policy of a schema (id or name)', params: idParam, body: retentionPolicyBody } }, async (req) =>
    dsr.setRetentionPolicy(actorOf(req), req.params.id, req.body),
  );
  app.post('/api/v1/dsr/retention/run', { schema: { tags: ['dsr'], summary: 'Run retention (dryRun: true by default reports without changing anything)', body: retentionRunBody.optional() } }, async (req) =>
    dsr.runRetention(actorOf(req), req.body ?? {}),
  );

  // ---- portal links (staff side) ----
  app.post('/api/v1/portal/links', { schema: { tags: ['portal'], summary: 'Create a verification link: e-mail it, or get the URL and a QR code', body: createLinkBody } }, async (req, reply) =>
    reply.status(201).send(await portal.createLink(actorOf(req), req.body)),
  );
  app.get('/api/v1/portal/links', { schema: { tags: ['portal'], summary: "A customer's links", querystring: z.object({ customer: z.string().min(1).max(200) }) } }, async (req) => ({
    items: await portal.listLinks(actorOf(req), req.query.customer),
  }));
  app.delete('/api/v1/portal/links/:id', { schema: { tags: ['portal'], summary: 'Revoke a link', params: idParam } }, async (req) => portal.revokeLink(actorOf(req), req.params.id));
  app.get('/api/v1/portal/corrections', { schema: { tags: ['portal'], summary: 'Customer corrections waiting for review', querystring: z.object({ status: z.enum(['pending', 'applied', 'rejected']).default('pending') }) } }, async (req) => ({
    items: await portal.listCorrections(actorOf(req), req.query.status),
  }));
  app.post('/api/v1/portal/corrections/:id/apply', { schema: { tags: ['portal'], params: idParam } }, async (req) => portal.decideCorrection(actorOf(req), req.params.id, 'apply'));
  app.post('/api/v1/portal/corrections/:id/reject', { schema: { tags: ['portal'], params: idParam } }, async (req) => portal.decideCorrection(actorOf(req), req.params.id, 'reject'));
  app.get('/api/v1/portal/outbox', { schema: { tags: ['portal'], summary: 'Development outbox: mails written instead of sent' } }, async (req) => ({ mode: s.mailer.mode, items: await portal.outbox(actorOf(req)) }));
  app.get('/api/v1/portal/outbox/:file', { schema: { tags: ['portal'], summary: 'One outbox mail (.eml)', params: z.object({ file: z.string().max(200) }) } }, async (req, reply) =>
    reply.type('message/rfc822').send(await portal.outboxMessage(actorOf(req), req.params.file)),
  );
}
