// Popular consumer mail domains (typo targets), TLD typos and role mailbox names.

/** ~50 widely used consumer mail domains; a near miss of one of these is probably a typo. */
export const POPULAR_EMAIL_DOMAINS: readonly string[] = [
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.es', 'yahoo.it', 'yahoo.ca', 'yahoo.com.au',
  'ymail.com', 'rocketmail.com', 'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'hotmail.de', 'hotmail.it', 'hotmail.es',
  'outlook.com', 'outlook.de', 'outlook.fr', 'live.com', 'live.co.uk', 'live.fr', 'live.de', 'msn.com', 'passport.com',
  'aol.com', 'aim.com', 'icloud.com', 'me.com', 'mac.com', 'protonmail.com', 'proton.me', 'pm.me', 'zoho.com', 'yandex.ru', 'yandex.com',
  'mail.ru', 'gmx.de', 'gmx.net', 'gmx.com', 'gmx.at', 'web.de', 't-online.de', 'freenet.de', 'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net',
  'sfr.fr', 'libero.it', 'virgilio.it', 'btinternet.com', 'sky.com', 'virginmedia.com', 'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net',
  'bellsouth.net', 'cox.net', 'charter.net', 'earthlink.net', 'shaw.ca', 'rogers.com', 'sympatico.ca', 'bigpond.com', 'optusnet.com.au',
  'qq.com', '163.com', '126.com', 'naver.com', 'mail.com', 'email.com', 'fastmail.com', 'hey.com', 'tutanota.com', 'seznam.cz', 'wp.pl', 'o2.pl',
];

/** Misspelt top-level domains → the intended one. Real TLDs (.cm, .co, .om) are not listed. */
export const TLD_TYPOS: Readonly<Record<string, string>> = {
  con: 'com', cmo: 'com', ocm: 'com', vom: 'com', xom: 'com', cpm: 'com', comm: 'com', coom: 'com', cim: 'com', clm: 'com', cok: 'com', comn: 'com',
  nte: 'net', ent: 'net', nett: 'net', bet: 'net', ner: 'net', ogr: 'org', rog: 'org', orgg: 'org', prg: 'org',
};

/** Mailbox names that reach a team or a system rather than a person. Compared lowercase, before any +tag. */
export const ROLE_LOCAL_PARTS: ReadonlySet<string> = new Set([
  'info', 'sales', 'admin', 'administrator', 'support', 'help', 'helpdesk', 'noreply', 'no-reply', 'no_reply', 'donotreply', 'do-not-reply',
  'contact', 'contactus', 'office', 'hello', 'hi', 'enquiries', 'enquiry', 'inquiries', 'inquiry', 'mail', 'email', 'team', 'staff',
  'billing', 'accounts', 'accounting', 'finance', 'invoices', 'invoice', 'hr', 'jobs', 'careers', 'recruitment', 'marketing', 'press', 'media',
  'webmaster', 'postmaster', 'hostmaster', 'abuse', 'security', 'privacy', 'legal', 'compliance', 'it', 'service', 'services', 'customerservice',
  'customercare', 'feedback', 'orders', 'booking', 'bookings', 'reservations', 'reception', 'frontdesk', 'general', 'team', 'root', 'sysadmin',
  'newsletter', 'news', 'notifications', 'alerts', 'mailer-daemon', 'bounce', 'bounces', 'kontakt', 'verwaltung', 'vertrieb', 'buero', 'bureau',
]);
