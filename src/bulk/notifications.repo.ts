import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { insertFromSelect } from '../db/insert-select';
import { jsonField, jsonPieces, jsonRows } from '../db/json-rows';
import { outbox } from '../db/schema';

/** A composed notification e-mail, as the outbox keeps it. */
export interface QueuedMessage {
  to: string;
  kind: string;
  subject: string;
  body: string;
  language: string | null;
}

/** The only writer of the outbox: one course's notification e-mails, for the caller's batch. */
export const queueMessages = (db: Db, courseId: string, messages: readonly QueuedMessage[], now: number) =>
  jsonPieces(messages).map((piece) =>
    insertFromSelect(
      db,
      outbox,
      {
        id: null,
        to: jsonField('to'),
        kind: jsonField('kind'),
        courseId,
        subject: jsonField('subject'),
        body: jsonField('body'),
        language: jsonField('language'),
        created: now,
      },
      sql`from ${jsonRows(piece)} where true`,
    ),
  );
