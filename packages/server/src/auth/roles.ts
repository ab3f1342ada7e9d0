/**
 * Roles and what each may do. Every route names one permission; `viewer` can only read. The table is the single
 * place that grants rights (docs/server.md prints it).
 */
import type { Permission as PermissionName } from '@her2scope/core/api';
import { ROLES, type Role } from '@her2scope/storage/clinical';

export { ROLES, type Role };

export const PERMISSIONS = {
  /** Read patients, samples, findings, reports. */
  read: ['admin', 'pathologist', 'molecular', 'oncologist', 'viewer'],
  /** Register a patient or a sample. */
  'patient.write': ['admin', 'pathologist', 'molecular'],
  /** Enter and sign pathology (HER2/ER/PR). */
  'pathology.write': ['admin', 'pathologist'],
  /** Upload sequencing / cytometry files. */
  'file.upload': ['admin', 'molecular'],
  /** Record treatments. */
  'treatment.write': ['admin', 'oncologist'],
  /** Comment on a patient (tumour-board review). */
  comment: ['admin', 'pathologist', 'molecular', 'oncologist'],
  /** Start an analysis run. */
  'analysis.run': ['admin', 'pathologist', 'molecular', 'oncologist'],
  /** Manage accounts and read the audit log. */
  admin: ['admin'],
} as const satisfies Record<PermissionName, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** The permissions of a role, for the web app (it hides controls the user may not use; the server still checks). */
export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));
}
