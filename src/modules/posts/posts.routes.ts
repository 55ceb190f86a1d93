import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { IdParams, NoContent, Page, PageQuery, UsernameParams } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { listPosts, listUserPosts } from './post-lists.service.js';
import { recordPostView } from './post-views.service.js';
import {
  CreatePostBody,
  PostListQuery,
  PostSchema,
  PostVersionSchema,
  UpdatePostBody,
  UserPostsQuery,
} from './posts.schema.js';
import {
  createPost,
  deletePost,
  getPost,
  listArchivedPosts,
  postHistory,
  setPostArchived,
  updatePost,
} from './posts.service.js';

const tags = ['posts'];
const PostPage = Page(PostSchema, 'Post');

export const postsRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.post(
      '/posts',
      {
        config: { auth: 'required', idempotent: true },
        schema: {
          tags,
          operationId: 'createPost',
          summary: 'Create a post, carousel or reel',
          description:
            "`media_ids` are 1–10 of the caller's own unattached uploads, shown in the given order (images and videos may be mixed). A `reel` has exactly one video. Unknown, foreign, already used or duplicated ids are 400 and nothing is written; a video still processing (or that failed to) is 409 `media_not_ready`.",
          body: CreatePostBody,
          response: { 201: PostSchema },
        },
      },
      async (request, reply) => {
        const post = await createPost(deps, actorOf(request), request.body);
        return reply.status(201).header('Location', `/api/v1/posts/${post.id}`).send(post);
      },
    );

    app.get(
      '/posts',
      {
        config: { auth: 'optional' },
        schema: {
          tags,
          operationId: 'listPosts',
          summary: 'List posts, filtered',
          description:
            'Filters combine. Newest first. Posts of private accounts appear only to their approved followers.',
          querystring: PostListQuery,
          response: { 200: PostPage },
        },
      },
      async (request) => listPosts(deps, request.actor?.id ?? null, request.query),
    );

    app.get(
      '/posts/:id',
      {
        config: { auth: 'optional' },
        schema: {
          tags,
          operationId: 'getPost',
          summary: 'Get a post',
          description: '403 when the author is private and the caller is not an approved follower.',
          params: IdParams,
          response: { 200: PostSchema },
        },
      },
      async (request) => getPost(deps, request.actor?.id ?? null, Number(request.params.id)),
    );

    app.patch(
      '/posts/:id',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'updatePost',
          summary: 'Edit a post (author only)',
          description:
            "Caption, location, media (add, remove, reorder), alt texts, `comments_disabled` and `hide_like_count`. Hashtags are re-extracted from a new caption; `location_id: null` clears it. A change of caption, location or media keeps the version it replaces (`GET /posts/{id}/history`) and sets `edited_at`. 403 for another person's post.",
          params: IdParams,
          body: UpdatePostBody,
          response: { 200: PostSchema },
        },
      },
      async (request) =>
        updatePost(deps, actorOf(request), Number(request.params.id), request.body, (err, keys) =>
          request.log.warn({ err, keys }, 'could not remove media files removed from a post'),
        ),
    );

    app.post(
      '/posts/:id/views',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'recordPostView',
          summary: 'Record that the caller watched a video post (reel)',
          description:
            'Counts at most one view per viewer, post and UTC day: `view_count` grows by one the first time that day, and repeating it changes nothing. The author’s own views are not counted. A post without a video is 400 (`view_count` is null on such posts). A viewed reel counts as seen by `GET /reels`. 404 / 403 as for reading the post.',
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await recordPostView(deps, actorOf(request), Number(request.params.id));
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/posts/:id/history',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'listPostHistory',
          summary: "A post's versions (author only)",
          description:
            'Newest first: the current version (first page only, `current: true`), then each one an edit replaced. 404 for anyone but the author.',
          params: IdParams,
          querystring: PageQuery,
          response: { 200: Page(PostVersionSchema, 'PostVersion') },
        },
      },
      async (request) =>
        postHistory(deps, actorOf(request), Number(request.params.id), request.query),
    );

    for (const archived of [true, false]) {
      app.route({
        method: archived ? 'POST' : 'DELETE',
        url: '/posts/:id/archive',
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: archived ? 'archivePost' : 'unarchivePost',
          summary: archived ? 'Archive a post (author only)' : 'Restore an archived post',
          description: archived
            ? 'Hidden from everyone but its author (feeds, profile, lists; a direct lookup is 404) and not counted in the profile, with its likes and comments kept. Repeating it changes nothing.'
            : 'Shown again where it was before. Repeating it changes nothing.',
          params: IdParams,
          response: { 200: PostSchema },
        },
        handler: async (request) =>
          setPostArchived(deps, actorOf(request), Number(request.params.id), archived),
      });
    }

    app.get(
      '/me/archive/posts',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'listArchivedPosts',
          summary: 'Your archived posts',
          description: 'Newest first.',
          querystring: PageQuery,
          response: { 200: PostPage },
        },
      },
      async (request) => listArchivedPosts(deps, actorOf(request), request.query),
    );

    app.delete(
      '/posts/:id',
      {
        config: { auth: 'required' },
        schema: {
          tags,
          operationId: 'deletePost',
          summary: 'Delete a post (author only)',
          description: 'Its likes, saves, comments and media files go with it.',
          params: IdParams,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await deletePost(deps, actorOf(request), Number(request.params.id), (err, keys) =>
          request.log.warn({ err, keys }, 'could not remove media files of a deleted post'),
        );
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/users/:username/posts',
      {
        config: { auth: 'optional' },
        schema: {
          tags,
          operationId: 'listUserPosts',
          summary: "A profile's posts",
          description:
            'Newest first. 404 for unknown or deactivated accounts; 403 for a private account to anyone but its approved followers.',
          params: UsernameParams,
          querystring: UserPostsQuery,
          response: { 200: PostPage },
        },
      },
      async (request) =>
        listUserPosts(deps, request.actor?.id ?? null, request.params.username, request.query),
    );
  };
