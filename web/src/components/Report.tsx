import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, must } from '../api/client';
import { messageOf } from '../api/errors';
import type { paths } from '../../../openapi/client/index';

type ReportInput = NonNullable<
  paths['/api/v1/reports']['post']['requestBody']
>['content']['application/json'];
export type ReportTarget = ReportInput['target_type'];

const REASONS: readonly ReportInput['reason'][] = [
  'spam',
  'nudity',
  'harassment',
  'violence',
  'hate',
  'self_harm',
  'intellectual_property',
  'other',
];
type Reason = ReportInput['reason'];

/** How a target is named to the person reporting it. */
const NOUN: Record<ReportTarget, string> = {
  post: 'post',
  comment: 'comment',
  user: 'account',
  story: 'story',
};

/** The report form for any target: a reason, optional details, send or cancel. */
export function ReportForm({
  targetType,
  targetId,
  onClose,
}: {
  targetType: ReportTarget;
  targetId: string;
  onClose: () => void;
}) {
  const id = useId();
  const [reason, setReason] = useState<Reason>('spam');
  const [details, setDetails] = useState('');
  const noun = NOUN[targetType];
  const report = useMutation({
    mutationFn: () => {
      const body: ReportInput = { target_type: targetType, target_id: targetId, reason };
      if (details.trim()) body.details = details.trim();
      return must(api.POST('/api/v1/reports', { body }));
    },
  });
  if (report.isSuccess) {
    return (
      <p className="muted report-done" role="status">
        Thanks: the moderators will review this {noun}.
      </p>
    );
  }
  return (
    <form
      className="report-form"
      aria-label={`Report this ${noun}`}
      onSubmit={(e) => {
        e.preventDefault();
        report.mutate();
      }}
    >
      <label htmlFor={`${id}-reason`}>Why are you reporting this {noun}?</label>
      <select
        id={`${id}-reason`}
        value={reason}
        onChange={(e) => setReason(e.target.value as Reason)}
      >
        {REASONS.map((r) => (
          <option key={r} value={r}>
            {r.replace('_', ' ')}
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-details`}>Details (optional)</label>
      <textarea
        id={`${id}-details`}
        rows={2}
        maxLength={1000}
        value={details}
        onChange={(e) => setDetails(e.target.value)}
      />
      <div className="report-actions">
        <button type="submit" className="button danger" disabled={report.isPending}>
          Send report
        </button>{' '}
        <button type="button" className="button secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
      {report.isError && (
        <p className="form-error" role="alert">
          {messageOf(report.error)}
        </p>
      )}
    </form>
  );
}

/** A "Report" button that opens the form in place. */
export function ReportButton({
  targetType,
  targetId,
}: {
  targetType: ReportTarget;
  targetId: string;
}) {
  const [open, setOpen] = useState(false);
  if (open)
    return (
      <ReportForm targetType={targetType} targetId={targetId} onClose={() => setOpen(false)} />
    );
  return (
    <button type="button" className="button secondary" onClick={() => setOpen(true)}>
      Report
    </button>
  );
}
