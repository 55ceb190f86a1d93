import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../deps.js';
import { SIZE_LIMITS } from '../../media/process-upload.js';
import { MAX_ALT_TEXT_LENGTH } from '../media/media.schema.js';
import { MAX_CAPTION_LENGTH } from '../posts/posts.schema.js';
import { baseUrlOf } from './wire.js';

const hide = { hide: true };
/** The Mastodon API version whose entities this surface follows. */
export const MASTODON_COMPAT_VERSION = '4.3.0';
const VERSION = `${MASTODON_COMPAT_VERSION} (compatible; Photogram 0.1.0)`;
const DESCRIPTION = 'Photogram: share photos and videos with the people who follow you.';
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];
const VIDEO_TYPES = ['video/mp4', 'video/quicktime', 'video/webm'];

const configuration = {
  urls: { streaming: null },
  accounts: { max_featured_tags: 0, max_pinned_statuses: 0 },
  statuses: {
    max_characters: MAX_CAPTION_LENGTH,
    max_media_attachments: 10,
    characters_reserved_per_url: 23,
  },
  media_attachments: {
    supported_mime_types: [...IMAGE_TYPES, ...VIDEO_TYPES],
    image_size_limit: SIZE_LIMITS.image,
    image_matrix_limit: 50_000_000,
    video_size_limit: SIZE_LIMITS.video,
    video_frame_rate_limit: 60,
    video_matrix_limit: 8_294_400,
    description_limit: MAX_ALT_TEXT_LENGTH,
  },
  polls: { max_options: 0, max_characters_per_option: 0, min_expiration: 0, max_expiration: 0 },
  translation: { enabled: false },
  vapid: { public_key: null },
};

export const instanceRoutes =
  (_deps: AppDeps): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get('/api/v2/instance', { schema: hide }, async (request) => ({
      domain: request.host,
      title: 'Photogram',
      version: VERSION,
      source_url: 'https://github.com/photogram/photogram',
      description: DESCRIPTION,
      usage: { users: { active_month: 0 } },
      thumbnail: { url: `${baseUrlOf(request)}/favicon.ico`, blurhash: null, versions: {} },
      icon: [],
      languages: ['en'],
      configuration: { ...configuration, urls: { streaming: null, status: null } },
      registrations: { enabled: true, approval_required: false, message: null, url: null },
      api_versions: { mastodon: 2 },
      contact: { email: '', account: null },
      rules: [],
    }));

    app.get('/api/v1/instance', { schema: hide }, async (request) => ({
      uri: request.host,
      title: 'Photogram',
      short_description: DESCRIPTION,
      description: DESCRIPTION,
      email: '',
      version: VERSION,
      urls: { streaming_api: null },
      stats: { user_count: 0, status_count: 0, domain_count: 0 },
      thumbnail: null,
      languages: ['en'],
      registrations: true,
      approval_required: false,
      invites_enabled: false,
      configuration,
      contact_account: null,
      rules: [],
    }));

    app.get('/.well-known/nodeinfo', { schema: hide }, async (request) => ({
      links: [
        {
          rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0',
          href: `${baseUrlOf(request)}/nodeinfo/2.0`,
        },
        {
          rel: 'http://nodeinfo.diaspora.software/ns/schema/2.1',
          href: `${baseUrlOf(request)}/nodeinfo/2.1`,
        },
      ],
    }));

    for (const version of ['2.0', '2.1'] as const) {
      app.get(`/nodeinfo/${version}`, { schema: hide }, async (_request, reply) => {
        reply.type(
          `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/${version}#"`,
        );
        return {
          version,
          software: {
            name: 'photogram',
            version: '0.1.0',
            ...(version === '2.1' ? { repository: 'https://github.com/photogram/photogram' } : {}),
          },
          protocols: [],
          services: { inbound: [], outbound: [] },
          openRegistrations: true,
          usage: { users: {}, localPosts: 0 },
          metadata: {
            nodeName: 'Photogram',
            upstream: { name: 'mastodon', version: MASTODON_COMPAT_VERSION },
          },
        };
      });
    }

    app.get('/api/v1/custom_emojis', { schema: hide }, async () => []);
    app.get('/api/v1/announcements', { schema: hide }, async () => []);
    // Features Photogram does not have: always empty, so clients show nothing rather than fail.
    for (const [path, scope] of [
      ['/api/v1/filters', 'read:filters'],
      ['/api/v2/filters', 'read:filters'],
      ['/api/v1/lists', 'read:lists'],
    ] as const) {
      app.get(path, { schema: hide, config: { auth: 'required', scope } }, async () => []);
    }
    app.get(
      '/api/v1/preferences',
      { schema: hide, config: { auth: 'required', scope: 'read:accounts' } },
      async () => ({
        'posting:default:visibility': 'public',
        'posting:default:sensitive': false,
        'posting:default:language': null,
        'reading:expand:media': 'default',
        'reading:expand:spoilers': false,
      }),
    );
  };
