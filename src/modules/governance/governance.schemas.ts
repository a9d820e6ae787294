import { z } from 'zod';
import { ROLES } from '../../platform/auth/permissions.js';

export const roleSchema = z.enum(ROLES);
const areaIds = z.array(z.string().min(1)).max(100).default([]);

export const createUserSchema = z.object({
  email: z.email().max(254),
  displayName: z.string().trim().min(1).max(200),
  password: z.string().min(12, 'must be at least 12 characters').max(1024),
  roles: z.array(roleSchema).min(1).max(ROLES.length),
  businessAreaIds: areaIds,
});
export type CreateUserInput = z.input<typeof createUserSchema>;

export const updateUserSchema = z.object({
  displayName: z.string().trim().min(1).max(200).optional(),
  password: z.string().min(12, 'must be at least 12 characters').max(1024).optional(),
  roles: z.array(roleSchema).min(1).max(ROLES.length).optional(),
  businessAreaIds: z.array(z.string().min(1)).max(100).optional(),
  disabled: z.boolean().optional(),
});
export type UpdateUserInput = z.input<typeof updateUserSchema>;

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1).max(200),
  roles: z.array(roleSchema).min(1).max(ROLES.length),
  businessAreaIds: areaIds,
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

export const createBusinessAreaSchema = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().max(2000).optional(),
});
export type CreateBusinessAreaInput = z.input<typeof createBusinessAreaSchema>;

export const loginSchema = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
});

export const userView = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
  businessAreaIds: z.array(z.string()),
  createdAt: z.string(),
  disabled: z.boolean(),
  lastLoginAt: z.string().nullable(),
});
export type UserView = z.infer<typeof userView>;

export const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  roles: z.array(roleSchema),
  businessAreaIds: z.array(z.string()),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export type ApiKeyView = z.infer<typeof apiKeyView>;

export const businessAreaView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  createdAt: z.string(),
});
export type BusinessAreaView = z.infer<typeof businessAreaView>;

// `GET /api/v1/auth/me`: the signed-in actor with its roles and effective permissions.
export const meView = z.object({
  type: z.string(),
  id: z.string().nullable(),
  name: z.string().nullable(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
  businessAreaIds: z.array(z.string()),
});
export type MeView = z.infer<typeof meView>;
