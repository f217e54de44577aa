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

/**
 * The envelope as JSON text. `data` is spliced in as stored — JSON that the database's
 * `json_object` wrote — instead of being parsed and serialised again: that round trip was about a
 * fifth of the Worker's own CPU on a 1000-event feed page (docs/benchmarks.md#events-figures).
 */
export function envelopeJson(event: StoredEvent, source: string): string {
  const head = JSON.stringify({
    specversion: '1.0',
    id: event.id,
    seq: event.seq,
    source,
    type: event.type,
    subject: event.subject,
    time: new Date(event.time).toISOString(),
    datacontenttype: 'application/json',
  });
  return `${head.slice(0, -1)},"data":${event.data}}`;
}
