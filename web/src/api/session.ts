import type { Session, User } from './types';

const KEY = 'photogram.session';

export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  user: User;
}

type Listener = (session: StoredSession | null, reason?: string) => void;
const listeners = new Set<Listener>();

let current: StoredSession | null = read();
/** Why the last session ended (expired, logged out), for the login page to say. */
let endReason: string | undefined;

function read(): StoredSession | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as StoredSession) : null;
  } catch {
    return null;
  }
}

export function getSession(): StoredSession | null {
  return current;
}

export function setSession(answer: Session | null, reason?: string): void {
  current = answer
    ? { accessToken: answer.access_token, refreshToken: answer.refresh_token, user: answer.user }
    : null;
  if (current) localStorage.setItem(KEY, JSON.stringify(current));
  else localStorage.removeItem(KEY);
  endReason = current ? undefined : reason;
  for (const listener of listeners) listener(current, reason);
}

export function sessionEndReason(): string | undefined {
  return endReason;
}

export function updateSessionUser(user: User): void {
  if (!current) return;
  current = { ...current, user };
  localStorage.setItem(KEY, JSON.stringify(current));
  for (const listener of listeners) listener(current);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
