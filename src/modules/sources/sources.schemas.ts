import { z } from 'zod';

export const SYSTEM_TYPES = ['pos', 'webshop', 'crm', 'support', 'list', 'erp', 'marketing', 'loyalty', 'other'] as const;
export const DATA_NATURES = ['factual', 'inferred'] as const;

const isoDateTime = z.iso.datetime({ offset: true });

export const sourceFields = {
  description: z.string().max(2000).nullable().optional(),
  owner: z.string().max(200).nullable().optional(),
  collectionMethod: z.string().max(500).nullable().optional(),
  collectedFrom: isoDateTime.nullable().optional(),
  collectedTo: isoDateTime.nullable().optional(),
  refreshFrequency: z.string().max(100).nullable().optional(),
  dataNature: z.enum(DATA_NATURES).optional(),
  privacyTerms: z.string().max(2000).nullable().optional(),
  licence: z.string().max(500).nullable().optional(),
  trustRank: z.number().int().min(1).max(100).optional(),
  defaultRegion: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2 code such as GB').nullable().optional(),
};

export const createSourceBody = z.object({
  name: z.string().trim().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, - and _, starting with a letter'),
  schema: z.string().min(1),
  businessArea: z.string().min(1).optional(),
  systemType: z.enum(SYSTEM_TYPES),
  ...sourceFields,
});

export const updateSourceBody = z.object({ ...sourceFields, archived: z.boolean().optional() });

export const sourceView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  businessAreaId: z.string(),
  schemaId: z.string(),
  systemType: z.string(),
  owner: z.string().nullable(),
  collectionMethod: z.string().nullable(),
  collectedFrom: z.string().nullable(),
  collectedTo: z.string().nullable(),
  refreshFrequency: z.string().nullable(),
  dataNature: z.string(),
  privacyTerms: z.string().nullable(),
  licence: z.string().nullable(),
  trustRank: z.number().int(),
  defaultRegion: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  archived: z.boolean(),
});
export type SourceView = z.infer<typeof sourceView>;
