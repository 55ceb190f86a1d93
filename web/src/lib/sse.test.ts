import { describe, expect, it } from 'vitest';
import { parseEvents } from './sse';

describe('parseEvents', () => {
  it('returns complete events and keeps the unfinished rest', () => {
    const { events, rest } = parseEvents(
      'retry: 3000\n\n: heartbeat\n\nid: 7\nevent: notification\ndata: {"a":1}\n\nid: 8\nev',
    );
    expect(events).toEqual([{ id: '7', event: 'notification', data: '{"a":1}' }]);
    expect(rest).toBe('id: 8\nev');
    expect(parseEvents(`${rest}ent: notification\ndata: x\ndata: y\n\n`).events).toEqual([
      { id: '8', event: 'notification', data: 'x\ny' },
    ]);
  });
});
