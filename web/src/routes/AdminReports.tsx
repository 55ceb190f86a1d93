import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, must } from '../api/client';
import { messageOf } from '../api/errors';
import { InfiniteList, useCursorList } from '../components/InfiniteList';
import { relativeTime } from '../lib/time';

type Action = 'dismiss' | 'remove_content' | 'suspend_user';

const ACTIONS: { action: Action; label: string; className: string }[] = [
  { action: 'dismiss', label: 'Dismiss', className: 'button secondary' },
  { action: 'remove_content', label: 'Remove content', className: 'button danger' },
  { action: 'suspend_user', label: 'Suspend author', className: 'button danger' },
];

/** The moderators' queue: open reports oldest first, each resolved with one click. */
export default function AdminReports() {
  const client = useQueryClient();
  const [notes, setNotes] = useState<Record<string, string>>({});
  const list = useCursorList(['admin-reports', 'open'], (cursor) =>
    must(api.GET('/api/v1/admin/reports', { params: { query: { status: 'open', cursor } } })),
  );
  const resolve = useMutation({
    mutationFn: ({ id, action }: { id: string; action: Action }) =>
      must(
        api.POST('/api/v1/admin/reports/{id}/resolve', {
          params: { path: { id } },
          body: { action, ...(notes[id] ? { note: notes[id] } : {}) },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['admin-reports'] }),
  });
  return (
    <div className="page-narrow">
      <h1>Open reports</h1>
      {resolve.isError && (
        <p className="form-error" role="alert">
          {messageOf(resolve.error)}
        </p>
      )}
      <InfiniteList
        list={list}
        empty={<p>No open reports.</p>}
        render={(reports) => (
          <ul className="report-list">
            {reports.map((r) => (
              <li key={r.id} className="report">
                <p>
                  <strong>{r.reason.replace('_', ' ')}</strong> · {r.target_type} by{' '}
                  <Link to={`/u/${r.target_user.username}`}>{r.target_user.username}</Link>,
                  reported by {r.reporter.username}{' '}
                  <time dateTime={r.created_at}>{relativeTime(r.created_at)}</time>
                </p>
                {r.details && <p className="muted">“{r.details}”</p>}
                {r.snapshot.text && <blockquote>{r.snapshot.text}</blockquote>}
                {r.snapshot.media_urls.map((url) => (
                  <img key={url} src={url} alt="Reported media" width={120} />
                ))}
                <label htmlFor={`note-${r.id}`}>Note</label>
                <input
                  id={`note-${r.id}`}
                  value={notes[r.id] ?? ''}
                  maxLength={1000}
                  onChange={(e) => setNotes({ ...notes, [r.id]: e.target.value })}
                />
                <div className="report-actions">
                  {ACTIONS.map(({ action, label, className }) => (
                    <button
                      key={action}
                      type="button"
                      className={className}
                      disabled={
                        resolve.isPending ||
                        (action === 'remove_content' && r.target_type === 'user')
                      }
                      onClick={() => resolve.mutate({ id: r.id, action })}
                    >
                      {label}
                    </button>
                  ))}
                </div>
              </li>
            ))}
          </ul>
        )}
      />
    </div>
  );
}
