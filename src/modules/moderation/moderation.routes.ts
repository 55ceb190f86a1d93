import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import {
  IdParams,
  NoContent,
  Page,
  PageQuery,
  Problem,
  UsernameParams,
} from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import * as moderation from './moderation.service.js';
import {
  AdminReport,
  AuditEntry,
  CreateReportBody,
  Report,
  ReportsQuery,
  ResolveBody,
  UnsuspendBody,
} from './moderation.schema.js';

export const moderationRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const required = { auth: 'required' } as const;
    const staffOnly =
      ' Moderators and admins only (403 `forbidden` for everyone else); roles are set from the ' +
      'console with `npm run user:role -- NAME admin|moderator|user`.';

    app.post(
      '/reports',
      {
        config: required,
        schema: {
          tags: ['reports'],
          operationId: 'createReport',
          summary: 'Report a post, comment, story or account',
          description:
            'The target is snapshotted (text and media) as you see it now, so moderators see ' +
            'what was reported even if it is edited or deleted. Idempotent: reporting the same ' +
            'target again answers the first report with 200 (201 when it is new). A target ' +
            'that does not exist or that you cannot see is 404; your own content is 400.',
          body: CreateReportBody,
          response: { 200: Report, 201: Report, 400: Problem, 401: Problem, 404: Problem },
        },
      },
      async (request, reply) => {
        const { report, created } = await moderation.createReport(
          deps,
          actorOf(request),
          request.body,
        );
        if (!created) return report;
        return reply.status(201).send(report);
      },
    );

    const tags = ['moderation'];
    const errors = { 400: Problem, 401: Problem, 403: Problem };

    app.get(
      '/admin/reports',
      {
        config: required,
        schema: {
          tags,
          operationId: 'listReports',
          summary: 'Reports to review',
          description:
            'Open reports oldest first (a queue); resolved ones newest first.' + staffOnly,
          querystring: ReportsQuery,
          response: { 200: Page(AdminReport, 'AdminReport'), ...errors },
        },
      },
      async (request) => moderation.listReports(deps, actorOf(request), request.query),
    );

    app.get(
      '/admin/reports/:id',
      {
        config: required,
        schema: {
          tags,
          operationId: 'getReport',
          summary: 'One report with the target as it was reported',
          description: staffOnly.trim(),
          params: IdParams,
          response: { 200: AdminReport, ...errors, 404: Problem },
        },
      },
      async (request) => moderation.getReport(deps, actorOf(request), Number(request.params.id)),
    );

    app.post(
      '/admin/reports/:id/resolve',
      {
        config: required,
        schema: {
          tags,
          operationId: 'resolveReport',
          summary: 'Resolve a report: dismiss, remove the content or suspend its author',
          description:
            '`remove_content` deletes the post, comment or story as its author deleting it ' +
            'would (already gone is fine; a reported account has no content: 400). ' +
            '`suspend_user` suspends the reported account: its content disappears, its ' +
            'sessions end at once and login answers 403 `account_suspended` with the note as ' +
            'the reason. Admins cannot be suspended, moderators only by admins (403). ' +
            'A resolved report is 409. Every resolution goes to the audit log.' +
            staffOnly,
          params: IdParams,
          body: ResolveBody,
          response: { 200: AdminReport, ...errors, 404: Problem, 409: Problem },
        },
      },
      async (request) =>
        moderation.resolveReport(
          deps,
          actorOf(request),
          Number(request.params.id),
          request.body,
          request.log,
        ),
    );

    app.post(
      '/admin/users/:username/unsuspend',
      {
        config: required,
        schema: {
          tags,
          operationId: 'unsuspendUser',
          summary: 'Lift a suspension',
          description:
            'The account and its content come back and it can log in again; 409 when it is ' +
            'not suspended. Goes to the audit log.' +
            staffOnly,
          params: UsernameParams,
          body: UnsuspendBody,
          response: { 204: NoContent, ...errors, 404: Problem, 409: Problem },
        },
      },
      async (request, reply) => {
        await moderation.unsuspend(
          deps,
          actorOf(request),
          request.params.username,
          request.body?.note,
        );
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/admin/audit-log',
      {
        config: required,
        schema: {
          tags,
          operationId: 'listAuditLog',
          summary: 'Every moderator action, newest first',
          description:
            'Resolutions, unsuspensions and role changes (those from the console have no ' +
            'actor).' +
            staffOnly,
          querystring: PageQuery,
          response: { 200: Page(AuditEntry, 'AuditEntry'), ...errors },
        },
      },
      async (request) => moderation.auditLog(deps, actorOf(request), request.query),
    );
  };
