import { mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppError } from '../../platform/errors/app-error.js';

export type MailMessage = { to: string; subject: string; text: string; html: string; tag?: string };
export type MailResult = { delivery: 'smtp' | 'outbox'; messageId: string; file?: string };
export type OutboxEntry = { file: string; to: string; subject: string; date: string; size: number };

const OUTBOX_FILE = /^[A-Za-z0-9_.-]{1,200}\.eml$/;

/** Sends mail over SMTP when configured, otherwise writes .eml files to the outbox folder (development). */
export class Mailer {
  private readonly transport: Transporter;

  constructor(private readonly opts: { smtpUrl?: string; from: string; outboxDir: string }) {
    this.transport = opts.smtpUrl
      ? nodemailer.createTransport(opts.smtpUrl)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  get mode(): 'smtp' | 'outbox' {
    return this.opts.smtpUrl ? 'smtp' : 'outbox';
  }

  async send(msg: MailMessage): Promise<MailResult> {
    const info = (await this.transport.sendMail({ from: this.opts.from, to: msg.to, subject: msg.subject, text: msg.text, html: msg.html })) as { messageId: string; message?: Buffer };
    if (this.opts.smtpUrl) return { delivery: 'smtp', messageId: info.messageId };
    await mkdir(this.opts.outboxDir, { recursive: true });
    // The tag (a customer id) in the name lets erasure delete the customer's mails from the outbox.
    const file = `${new Date().toISOString().replace(/[:.]/g, '-')}${msg.tag ? `-${msg.tag}` : ''}-${Math.random().toString(36).slice(2, 8)}.eml`;
    await writeFile(join(this.opts.outboxDir, file), info.message ?? Buffer.alloc(0), { mode: 0o600 });
    return { delivery: 'outbox', messageId: info.messageId, file };
  }

  async listOutbox(): Promise<OutboxEntry[]> {
    let names: string[];
    try {
      names = (await readdir(this.opts.outboxDir)).filter((n) => OUTBOX_FILE.test(n));
    } catch {
      return [];
    }
    const out: OutboxEntry[] = [];
    for (const file of names.sort().reverse().slice(0, 500)) {
      const text = await readFile(join(this.opts.outboxDir, file), 'utf8');
      const header = (name: string): string => new RegExp(`^${name}: (.*)$`, 'mi').exec(text)?.[1]?.trim() ?? '';
      out.push({ file, to: header('To'), subject: header('Subject'), date: header('Date'), size: (await stat(join(this.opts.outboxDir, file))).size });
    }
    return out;
  }

  async readOutbox(file: string): Promise<string> {
    if (!OUTBOX_FILE.test(file)) throw AppError.notFound('Outbox message', file);
    try {
      return await readFile(join(this.opts.outboxDir, file), 'utf8');
    } catch {
      throw AppError.notFound('Outbox message', file);
    }
  }

  /** Deletes outbox files tagged with any of the ids (erasure). */
  async purgeTagged(ids: string[]): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.opts.outboxDir);
    } catch {
      return 0;
    }
    let n = 0;
    for (const name of names) {
      if (OUTBOX_FILE.test(name) && ids.some((id) => name.includes(`-${id}-`))) {
        await unlink(join(this.opts.outboxDir, name));
        n += 1;
      }
    }
    return n;
  }
}
