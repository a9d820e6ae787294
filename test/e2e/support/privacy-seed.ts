// Consent purposes, consents and data-subject requests on top of support/seed.ts, through the real HTTP API.
import type { Api } from './harness.js';
import type { Seeded } from './seed.js';

export type PrivacySeeded = { steward: { email: string; password: string }; otherIds: string[] };

export async function seedPrivacy(api: Api, data: Seeded): Promise<PrivacySeeded> {
  await api.call('POST', '/consent/purposes', {
    key: 'email_newsletter',
    name: 'Newsletter',
    description: 'Monthly newsletter with news and offers',
    noticeText: 'We send you our newsletter with news and offers about once a month. You can stop it at any time with the link in every issue.',
    channels: ['email', 'sms'],
    defaultValidityMonths: 24,
  });
  await api.call('POST', '/consent/purposes', {
    key: 'loyalty_offers',
    name: 'Loyalty offers',
    noticeText: 'We tell you about offers for loyalty members by post and text message.',
    channels: ['post', 'sms'],
  });
  // Some customers with decisions, so coverage has something to show.
  const list = await api.call<{ items: Array<{ id: string }> }>('GET', '/customers?limit=20');
  const others = list.items.map((c) => c.id).filter((id) => id !== data.janeId);
  for (const [i, id] of others.slice(0, 6).entries()) {
    await api.call('POST', '/consent/records', { customer: id, purpose: 'email_newsletter', channel: 'email', status: i % 3 === 2 ? 'denied' : 'granted', source: 'web_form', proof: { formId: 'signup-v3' } });
  }
  await api.call('POST', '/consent/records', { customer: others[0], purpose: 'loyalty_offers', channel: 'post', status: 'granted', source: 'pos' });
  // A few requests with different deadlines.
  await api.call('POST', '/dsr/requests', { customer: others[1], kind: 'access', note: 'Asked by phone for a copy of their data' });
  await api.call('POST', '/dsr/requests', { customer: others[2], kind: 'rectification', dueInDays: 3, note: 'Address is out of date' });
  await api.call('POST', '/dsr/requests', { customer: others[3], kind: 'restriction', dueInDays: 12 });
  await api.call('PUT', `/dsr/retention/policies/${data.schemaId}`, { inactiveMonths: 36, graceDays: 30, action: 'erase' });
  return { steward: { email: 'sam.steward@example.com', password: 'steward-password-1' }, otherIds: others };
}
