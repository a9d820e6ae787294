// Types of the golden-record, stewardship and webhook API, inferred from the server's zod schemas (type-only:
// nothing of the server is bundled). Relative paths (not @server) so the root typecheck of the lib tests resolves them too.
import type { z } from 'zod';
import type { customerKeyView, mergeResultView, MergeView, splitResultView, unmergeResultView } from '../../../src/modules/golden/golden.schemas.js';
import type { decisionResult, explanationView, JobView, taskCountsView, TaskView } from '../../../src/modules/stewardship/stewardship.schemas.js';
import type { deliveryView, EVENT_TYPES, SubscriptionView } from '../../../src/modules/webhooks/webhooks.schemas.js';

export type { JobView, MergeView, SubscriptionView, TaskView };
export type Explanation = z.infer<typeof explanationView>;
export type ExplanationTerm = NonNullable<Explanation['terms']>[number];
export type DecisionResult = z.infer<typeof decisionResult>;
export type TaskCounts = z.infer<typeof taskCountsView>;
export type Decision = 'match' | 'not_match' | 'skip';
export type TaskStatus = TaskView['status'];
export type MergeResult = z.infer<typeof mergeResultView>;
export type UnmergeResult = z.infer<typeof unmergeResultView>;
export type SplitResult = z.infer<typeof splitResultView>;
export type CustomerKey = z.infer<typeof customerKeyView>;
export type DeliveryView = z.infer<typeof deliveryView>;
export type CreatedSubscription = SubscriptionView & { secret: string };
export type EventType = (typeof EVENT_TYPES)[number];
