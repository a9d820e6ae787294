// Word lists for person-name casing and splitting. All entries lowercase, without dots.

/** Family-name particles: lowercase inside a name ("Jan van der Berg"), capitalised at its start. */
export const NAME_PARTICLES: ReadonlySet<string> = new Set([
  'van', 'von', 'de', 'da', 'di', 'del', 'della', 'der', 'den', 'des', 'du', 'dos', 'das', 'do',
  'la', 'le', 'ter', 'ten', 'zu', 'zum', 'zur', 'af', 'bin', 'binti', 'bint', 'ibn',
]);
// Deliberately absent: 'y'/'e' (García y López) and 'al'/'el' would lowercase middle initials
// and the given name Al ("John E Smith", "John Al Smith").

/** Honorific prefixes recognised by splitFullName. */
export const NAME_PREFIXES: ReadonlySet<string> = new Set([
  'mr', 'mrs', 'ms', 'miss', 'mx', 'master', 'dr', 'prof', 'professor', 'sir', 'dame', 'lord', 'lady',
  'rev', 'revd', 'fr', 'herr', 'frau', 'mme', 'mlle', 'sr', 'sra', 'srta', 'dott', 'ing',
]);

/** Generational and academic suffixes recognised by splitFullName. */
export const NAME_SUFFIXES: ReadonlySet<string> = new Set([
  'jr', 'sr', 'snr', 'jnr', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii',
  'phd', 'md', 'dds', 'dmd', 'esq', 'mba', 'cpa', 'rn', 'ret', 'obe', 'mbe', 'cbe', 'kbe', 'qc', 'kc',
]);

/** Suffixes with a fixed written form (others are Title-cased). */
export const SUFFIX_FORMS: Readonly<Record<string, string>> = {
  ii: 'II', iii: 'III', iv: 'IV', vi: 'VI', vii: 'VII', viii: 'VIII',
  phd: 'PhD', md: 'MD', dds: 'DDS', dmd: 'DMD', mba: 'MBA', cpa: 'CPA', rn: 'RN', obe: 'OBE', mbe: 'MBE', cbe: 'CBE', kbe: 'KBE', qc: 'QC', kc: 'KC',
};

// Names starting with "Mac" that are not Gaelic patronymics (Machado, Mackie …), so they are
// not written MacX. The general rule already skips short names (Macy, Mack, Macey) and names
// ending in a/c/i/o/z/j (Macias, Maciejewski, Macaluso, Mackiewicz).
export const MAC_EXCEPTIONS: ReadonlySet<string> = new Set([
  'macevicius', 'machado', 'machar', 'machin', 'machlin', 'mackie', 'mackle', 'macklin', 'mackmin', 'macquarie',
  'mackenzie', 'mackey', 'mackay', 'mackintosh', 'macaulay', 'macauley', 'machen', 'machel', 'macken', 'mackowiak',
  'macedo', 'maciel', 'macer', 'macheth', 'machell', 'mackrell', 'macnab', 'macomber', 'macon', 'macklemore',
]);
