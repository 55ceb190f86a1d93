import { useSyncExternalStore } from 'react';
import { getSession, onSessionChange, type StoredSession } from './session';

export function useSession(): StoredSession | null {
  return useSyncExternalStore(onSessionChange, getSession);
}
