import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { IdParams, NoContent, Page, PageQuery } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { CommentListQuery, CommentSchema, CreateCommentBody } from './comments.schema.js';
import {
  createComment,
  deleteComment,
  getComment,
  listComments,
  listReplies,
  setCommentLike,
} from './comments.service.js';

const tags = ['comments'];
const CommentPage = Page(CommentSchema, 'Comment');

export const commentsRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/posts/:id/comments',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'listPostComments',
          summary: "A post's top-level comments",
          description:
            'Oldest first unless `ordering=-created_at`. Replies are listed under GET /comments/{id}/replies.',
          params: IdParams,
          querystring: CommentListQuery,
          response: { 200: CommentPage },
        },
      },
      async (request) =>
        listComments(deps, actorOf(request).id, Number(request.params.id), request.query),
    );

    app.post(
      '/posts/:id/comments',
      {
        config: { auth: 'required', idempotent: true },
        schema: {
          tags,
          operationId: 'createComment',
          summary: 'Comment on a post, or reply to a comment',
          description:
            'One level of replies: a reply to a reply is attached to its top-level comment. The post’s `comment_count` counts comments and replies.',
          params: IdParams,
          body: CreateCommentBody,
          response: { 201: CommentSchema },
        },
      },
      async (request, reply) => {
        const postId = Number(request.params.id);
        const comment = await createComment(deps, actorOf(request), postId, request.body);
        return reply.status(201).header('Location', `/api/v1/comments/${comment.id}`).send(comment);
      },
    );

    app.get(
      '/comments/:id/replies',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'listCommentReplies',
          summary: 'Replies to a comment',
          description: 'Oldest first.',
          params: IdParams,
          querystring: PageQuery,
          response: { 200: CommentPage },
        },
      },
      async (request) =>
        listReplies(deps, actorOf(request).id, Number(request.params.id), request.query),
    );

    app.get(
      '/comments/:id',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'getComment',
          summary: 'Get a comment',
          description: 'Where the `Location` of a new comment points.',
          params: IdParams,
          response: { 200: CommentSchema },
        },
      },
      async (request) => getComment(deps, actorOf(request).id, Number(request.params.id)),
    );

    app.delete(
      '/comments/:id',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'deleteComment',
          summary: 'Delete a comment',
          description: "By the comment's author or the post's author. Its replies go with it.",
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await deleteComment(deps, actorOf(request), Number(request.params.id));
        return reply.status(204).send(null);
      },
    );

    for (const [method, liked] of [
      ['POST', true],
      ['DELETE', false],
    ] as const) {
      app.route({
        method,
        url: '/comments/:id/like',
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: liked ? 'likeComment' : 'unlikeComment',
          summary: liked ? 'Like a comment' : 'Unlike a comment',
          description: 'Idempotent; answers with the Comment as it is now.',
          params: IdParams,
          response: { 200: CommentSchema },
        },
        handler: async (request) =>
          setCommentLike(deps, actorOf(request), Number(request.params.id), liked),
      });
    }
  };
