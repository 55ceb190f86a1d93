import type { paths } from './schema.tmp';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: infer R;
}
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer A }
      ? Json<A>
      : never
  : never;

export type Post = Ok<'/api/v1/posts/{id}', 'get'>;
export type Media = Post['media'][number];
export type User = Post['author'];
export type Location = NonNullable<Post['location']>;
export type Profile = Ok<'/api/v1/users/{username}', 'get'>;
export type Me = Ok<'/api/v1/me', 'get'>;
export type Comment = Ok<'/api/v1/comments/{id}/like', 'post'>;
export type StoryGroup = Ok<'/api/v1/stories/feed', 'get'>[number];
export type Story = StoryGroup['stories'][number];
export type StoryViewer = Ok<'/api/v1/stories/{id}/viewers', 'get'>['data'][number];
export type FollowRequest = Ok<'/api/v1/me/follow-requests', 'get'>['data'][number];
export type Session = Ok<'/api/v1/auth/login', 'post'>;

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail: string;
  code?: string;
  errors?: { field: string; message: string }[];
}
