// The CloudEvents 1.0 envelope of a stored event (docs/events.md#envelope): the same bytes in the
// feed, in every delivery and in every replay.

/** An `events` row as read for the feed or a delivery. */
export interface StoredEvent {
  seq: number;
  id: string;
  type: string;
  subject: string;
  time: number;
  data: string;
}

export interface EventEnvelope {
  specversion: '1.0';
  id: string;
  seq: number;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: unknown;
}

export function envelopeOf(event: StoredEvent, source: string): EventEnvelope {
  return {
    specversion: '1.0',
    id: event.id,
    seq: event.seq,
    source,
    type: event.type,
    subject: event.subject,
    time: new Date(event.time).toISOString(),
    datacontenttype: 'application/json',
    data: JSON.parse(event.data) as unknown,
  };
}
