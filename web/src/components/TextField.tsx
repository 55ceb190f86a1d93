import type { ReactNode } from 'react';
import { FieldError } from './bits';

/** A labelled input with an optional hint and the server's message for it (aria-describedby). */
export function TextField(props: {
  id: string;
  label: string;
  type?: string;
  autoComplete: string;
  value: string;
  onChange: (value: string) => void;
  message: string | undefined;
  hint?: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type={props.type ?? 'text'}
        autoComplete={props.autoComplete}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.message ? true : undefined}
        aria-describedby={props.message ? `${props.id}-error` : undefined}
      />
      {props.hint && <p className="muted small">{props.hint}</p>}
      <FieldError id={`${props.id}-error`} message={props.message} />
    </div>
  );
}
