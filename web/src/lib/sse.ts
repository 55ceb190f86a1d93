export interface ServerSentEvent {
  id?: string;
  event?: string;
  data?: string;
}

/**
 * Splits a growing text buffer into Server-Sent Events (blocks ended by a blank line); returns
 * the complete events and the unfinished rest. Comment lines (heartbeats) carry nothing.
 */
export function parseEvents(buffer: string): { events: ServerSentEvent[]; rest: string } {
  const blocks = buffer.replace(/\r\n/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  const events = blocks.flatMap((block) => {
    const event: ServerSentEvent = {};
    for (const line of block.split('\n')) {
      const match = /^(id|event|data): ?(.*)$/.exec(line);
      if (!match) continue;
      const [, key, value] = match as unknown as [string, 'id' | 'event' | 'data', string];
      event[key] = key === 'data' && event.data !== undefined ? `${event.data}\n${value}` : value;
    }
    return Object.keys(event).length > 0 ? [event] : [];
  });
  return { events, rest };
}
