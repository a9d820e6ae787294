import { z } from 'zod';

export const schemaNameSchema = z.string().trim().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, - and _, starting with a letter');

export const createSchemaBody = z.object({
  name: schemaNameSchema,
  description: z.string().max(2000).optional(),
  businessArea: z.string().min(1).max(100).optional(),
  definition: z.unknown(),
});

export const updateSchemaBody = z.object({
  description: z.string().max(2000).optional(),
  definition: z.unknown(),
  changeNote: z.string().max(2000).optional(),
});

export const schemaView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  businessAreaId: z.string(),
  currentVersion: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SchemaView = z.infer<typeof schemaView>;

export const schemaVersionView = z.object({
  schemaId: z.string(),
  version: z.number().int(),
  definition: z.unknown(),
  changeNote: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});
export type SchemaVersionView = z.infer<typeof schemaVersionView>;
