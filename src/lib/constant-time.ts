const encoder = new TextEncoder();

/**
 * Compares two secrets without leaking, through timing, how many leading bytes match. Both sides
 * are hashed first so the comparison also takes the same time whatever their lengths.
 */
export async function constantTimeEquals(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(a)),
    crypto.subtle.digest('SHA-256', encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(ha, hb) && a.length === b.length;
}
