// Postcode formats per country. Input is uppercased and stripped of spaces and hyphens
// ("compact") before `re` is tested; `format` then renders the canonical spacing.

export type PostcodeFormat = {
  /** Pattern for the compact form (no spaces/hyphens, uppercase). */
  re: RegExp;
  /** Canonical rendering of a matching compact value (default: unchanged). */
  format?: (compact: string) => string;
  /** Human description for messages. */
  example: string;
  /** Digits-only length whose leading zero may have been lost by a spreadsheet/number type. */
  zeroPadTo?: number;
};

const splitAt = (n: number, sep = ' ') => (c: string) => `${c.slice(0, n)}${sep}${c.slice(n)}`;
const splitFromEnd = (n: number, sep = ' ') => (c: string) => `${c.slice(0, c.length - n)}${sep}${c.slice(c.length - n)}`;
const digits = (n: number, example: string, extra?: Partial<PostcodeFormat>): PostcodeFormat => ({ re: new RegExp(`^\\d{${n}}$`), example, ...extra });

export const POSTCODE_FORMATS: Readonly<Record<string, PostcodeFormat>> = {
  US: { re: /^\d{5}(?:\d{4})?$/, format: (c) => (c.length === 9 ? `${c.slice(0, 5)}-${c.slice(5)}` : c), example: '12345 or 12345-6789', zeroPadTo: 5 },
  // Outward code (area, district) + inward code (sector digit, unit letters); GIR 0AA is Girobank.
  GB: { re: /^(?:[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRV-Y\d]?)\d[ABD-HJLNP-UW-Z]{2}|GIR0AA)$/, format: splitFromEnd(3), example: 'SW1A 1AA' },
  CA: { re: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\d[ABCEGHJ-NPRSTV-Z]\d$/, format: splitAt(3), example: 'K1A 0B1' },
  DE: digits(5, '10115', { zeroPadTo: 5 }),
  FR: digits(5, '75008', { zeroPadTo: 5 }),
  IT: digits(5, '00184', { zeroPadTo: 5 }),
  ES: { re: /^(?:0[1-9]|[1-4]\d|5[0-2])\d{3}$/, example: '28013', zeroPadTo: 5 },
  NL: { re: /^[1-9]\d{3}(?!SA|SD|SS)[A-Z]{2}$/, format: splitAt(4), example: '1012 AB' },
  BE: { re: /^[1-9]\d{3}$/, example: '1000' },
  AT: { re: /^[1-9]\d{3}$/, example: '1010' },
  CH: { re: /^[1-9]\d{3}$/, example: '8001' },
  DK: { re: /^[1-9]\d{3}$/, example: '1050' },
  NO: digits(4, '0150', { zeroPadTo: 4 }),
  SE: { re: /^[1-9]\d{4}$/, format: splitAt(3), example: '114 55' },
  FI: digits(5, '00100', { zeroPadTo: 5 }),
  AU: digits(4, '2000', { zeroPadTo: 4 }),
  NZ: digits(4, '6011'),
  // Eircode: routing key (letter + 2 digits, or D6W) + 4-character unique identifier.
  IE: { re: /^(?:[ACDEFHKNPRTVWXY]\d{2}|D6W)[0-9ACDEFHKNPRTVWXY]{4}$/, format: splitAt(3), example: 'D02 X285' },
  JP: { re: /^\d{7}$/, format: splitAt(3, '-'), example: '100-0001' },
  IN: { re: /^[1-9]\d{5}$/, example: '110001' },
  BR: { re: /^\d{8}$/, format: splitAt(5, '-'), example: '01310-100', zeroPadTo: 8 },
  PT: { re: /^[1-9]\d{6}$/, format: splitAt(4, '-'), example: '1000-001' },
  PL: { re: /^\d{5}$/, format: splitAt(2, '-'), example: '00-950' },
  LU: digits(4, '1009'),
  MX: digits(5, '06600', { zeroPadTo: 5 }),
  SG: digits(6, '018956'),
  CN: digits(6, '100000'),
  CZ: { re: /^[1-7]\d{4}$/, format: splitAt(3), example: '110 00' },
};
