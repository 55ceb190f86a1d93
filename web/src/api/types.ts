import type { Schemas } from '../../../openapi/client/index';

export type Post = Schemas['Post'];
export type Media = Schemas['Media'];
export type MediaTag = Schemas['MediaTag'];
export type PendingTag = Schemas['PendingTag'];
export type User = Schemas['User'];
export type Location = Schemas['Location'];
export type Profile = Schemas['Profile'];
export type Me = Schemas['Me'];
export type Comment = Schemas['Comment'];
export type StoryGroup = Schemas['StoryTrayGroup'];
export type Story = Schemas['Story'];
export type StoryViewer = Schemas['StoryViewer'];
export type FollowRequest = Schemas['FollowRequest'];
export type Session = Schemas['TokenPair'];
export type Problem = Schemas['Problem'];

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}
