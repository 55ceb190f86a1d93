import { Type, type Static } from 'typebox';
import { Id, Limit, Cursor, Timestamp } from '../../common.schema.js';
import {
  exampleAdminReport,
  exampleAuditEntry,
  exampleReport,
  exampleSnapshot,
} from '../../openapi-examples.js';

export const REPORT_TARGET_TYPES = ['post', 'comment', 'user', 'story'] as const;
export const REPORT_REASONS = [
  'spam',
  'nudity',
  'harassment',
  'violence',
  'hate',
  'self_harm',
  'intellectual_property',
  'other',
] as const;
export const RESOLUTIONS = ['dismiss', 'remove_content', 'suspend_user'] as const;

const TargetType = Type.Enum(REPORT_TARGET_TYPES, { description: 'What is reported' });
const Reason = Type.Enum(REPORT_REASONS);
const Status = Type.Enum(['open', 'resolved']);
const Resolution = Type.Enum(RESOLUTIONS);

export const CreateReportBody = Type.Object(
  {
    target_type: TargetType,
    target_id: Id,
    reason: Reason,
    details: Type.Optional(
      Type.String({ maxLength: 1000, description: 'Anything the moderators should know' }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        target_type: 'post',
        target_id: '305',
        reason: 'spam',
        details: 'The same link is posted under every picture of the harbour.',
      },
    ],
  },
);

/** What the reporter sees of their report. */
export const Report = Type.Object(
  {
    id: Id,
    target_type: TargetType,
    target_id: Id,
    reason: Reason,
    details: Type.Union([Type.String(), Type.Null()]),
    status: Status,
    created_at: Timestamp,
  },
  { title: 'Report', examples: [exampleReport] },
);

/** An account as moderation shows it: suspended and deactivated accounts included. */
export const AccountRef = Type.Object(
  { id: Id, username: Type.String() },
  { title: 'AccountRef', examples: [{ id: '42', username: 'ada.lovelace' }] },
);

export const Snapshot = Type.Object(
  {
    author: AccountRef,
    text: Type.Union([Type.String(), Type.Null()], {
      description: 'Caption, comment text, or name and bio of an account',
    }),
    media_keys: Type.Array(Type.String(), { description: 'Storage keys of its files' }),
    media_urls: Type.Array(Type.String(), {
      description: 'The same files as URLs (gone once the content is removed)',
    }),
    post_id: Type.Union([Id, Type.Null()], { description: 'The post a comment is on' }),
  },
  {
    title: 'ReportSnapshot',
    description: 'The target as it was when it was reported',
    examples: [exampleSnapshot],
  },
);

export const AdminReport = Type.Object(
  {
    ...Report.properties,
    reporter: AccountRef,
    target_user: AccountRef,
    snapshot: Snapshot,
    resolution: Type.Union([
      Type.Object({
        action: Resolution,
        note: Type.Union([Type.String(), Type.Null()]),
        moderator: Type.Union([AccountRef, Type.Null()]),
        resolved_at: Timestamp,
      }),
      Type.Null(),
    ]),
  },
  { title: 'AdminReport', examples: [exampleAdminReport] },
);

export const ReportsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Enum(['open', 'resolved'], { default: 'open', description: 'Default open' }),
    ),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);

export const ResolveBody = Type.Object(
  {
    action: Resolution,
    note: Type.Optional(
      Type.String({
        maxLength: 1000,
        description:
          'Kept in the audit log; with suspend_user it is the reason the account is told',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ action: 'remove_content', note: 'Link spam, third report this week.' }],
  },
);

export const UnsuspendBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false, examples: [{ note: 'Appeal accepted.' }] },
);

export const AuditEntry = Type.Object(
  {
    id: Id,
    actor: Type.Union([AccountRef, Type.Null()], {
      description: 'null: done from the console (npm run user:role)',
    }),
    action: Type.String({
      description:
        'dismiss_report, remove_content, suspend_user, unsuspend_user or set_role:<role>',
    }),
    target: Type.Object({ type: Type.String(), id: Id }),
    report_id: Type.Union([Id, Type.Null()]),
    note: Type.Union([Type.String(), Type.Null()]),
    created_at: Timestamp,
  },
  { title: 'AuditEntry', examples: [exampleAuditEntry] },
);

export type ReportDto = Static<typeof Report>;
export type AdminReportDto = Static<typeof AdminReport>;
export type SnapshotDto = Static<typeof Snapshot>;
export type AuditEntryDto = Static<typeof AuditEntry>;
