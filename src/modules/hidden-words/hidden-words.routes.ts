import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { Problem } from '../../common.schema.js';
import { actorOf } from '../../http/auth.js';
import { HiddenWords, HiddenWordsBody } from './hidden-words.schema.js';
import * as hiddenWords from './hidden-words.service.js';

export const hiddenWordsRoutes =
  (deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['users'];
    const config = { auth: 'required' } as const;

    app.get(
      '/me/hidden-words',
      {
        config,
        schema: {
          tags,
          operationId: 'getHiddenWords',
          summary: 'Your hidden words',
          description: 'Comments on your posts that contain one are hidden (see PUT).',
          response: { 200: HiddenWords, 401: Problem },
        },
      },
      async (request) => hiddenWords.getHiddenWords(deps, actorOf(request)),
    );

    app.put(
      '/me/hidden-words',
      {
        config,
        schema: {
          tags,
          operationId: 'setHiddenWords',
          summary: 'Replace your hidden words',
          description:
            'Comments and replies on your posts that contain one of these words are hidden from ' +
            'everyone, you included, except the comment’s own author. Matching ignores case and ' +
            'accents (NFKD, combining marks removed); a word with letters or digits matches whole ' +
            'words, one without (an emoji) anywhere. Up to 200 words of 1–100 characters.',
          body: HiddenWordsBody,
          response: { 200: HiddenWords, 400: Problem, 401: Problem },
        },
      },
      async (request) => hiddenWords.setHiddenWords(deps, actorOf(request), request.body),
    );
  };
