// Per-attribute verification as stored in source_records.verification.

export type VerificationStatus = 'valid' | 'suspect' | 'invalid';
export type VerificationReason = { code: string; message: string };
/** Who last verified a value: a rule at import or API write time, a data steward, or the customer. */
export type VerifiedBy = 'import-rule' | 'api-rule' | 'steward' | 'customer';
export const VERIFIED_BY: readonly VerifiedBy[] = ['import-rule', 'api-rule', 'steward', 'customer'];
export const VERIFICATION_STATUSES: readonly VerificationStatus[] = ['valid', 'suspect', 'invalid'];

/** What a standardizer reports for one value. */
export type Verification = { status: VerificationStatus; reasons: VerificationReason[]; suggestion?: string };
/** A verification with its stamp: when and by what it was last verified. */
export type StoredVerification = Verification & { verifiedAt: string; verifiedBy: VerifiedBy };
export type VerificationMap = Record<string, StoredVerification>;

/** Human verifications (steward, customer) count towards the accuracy proxy and survive rule re-checks. */
export function isHumanVerified(v: StoredVerification | undefined): boolean {
  return v?.verifiedBy === 'steward' || v?.verifiedBy === 'customer';
}
