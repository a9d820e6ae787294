// Types of the consent, data-subject-rights and portal responses, inferred from the server's zod schemas and,
// where a route has none, from the service method that answers it. Type-only: nothing of the server is bundled.
import type { ChannelView, CoverageView as Coverage, ConsentEventView, ConsentStateView, NoticeVersionView, PurposeView, RestrictionStatusView } from '@server/modules/consent/consent.schemas.js';
import type { RequestView, RetentionReport, TombstoneView } from '@server/modules/dsr/dsr.schemas.js';
import type { DsrService } from '@server/modules/dsr/dsr.service.js';
import type { OutboxEntry } from '@server/modules/portal/mailer.js';
import type { CreatedLink, LinkView, PortalService } from '@server/modules/portal/portal.service.js';

export type { ChannelView, ConsentEventView, ConsentStateView, Coverage, CreatedLink, LinkView, NoticeVersionView, OutboxEntry, PurposeView, RequestView, RestrictionStatusView, RetentionReport, TombstoneView };

export type PurposeDetail = PurposeView & { notices: NoticeVersionView[] };
export type CustomerConsents = { current: ConsentStateView[]; history: ConsentEventView[] };
export type RetentionPolicy = Awaited<ReturnType<DsrService['listRetentionPolicies']>>[number];
export type Correction = Awaited<ReturnType<PortalService['listCorrections']>>[number];
export type Outbox = { mode: 'smtp' | 'outbox'; items: OutboxEntry[] };
