import { type Static, Type } from 'typebox';
import { Cursor, Id, Limit } from '../../common.schema.js';
import { exampleLocation } from '../../openapi-examples.js';

export const LocationSchema = Type.Object(
  {
    id: Id,
    name: Type.String(),
    address: Type.Union([Type.String(), Type.Null()]),
    lat: Type.Union([Type.Number(), Type.Null()]),
    lng: Type.Union([Type.Number(), Type.Null()]),
    posts_count: Type.Optional(
      Type.Integer({
        description:
          'Posts at this place that the caller may see. Present in /locations answers; omitted where a location is embedded in a Post.',
      }),
    ),
  },
  { title: 'Location', examples: [{ ...exampleLocation, posts_count: 214 }] },
);
export type LocationDto = Static<typeof LocationSchema>;

export const CreateLocationBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    address: Type.Optional(Type.Union([Type.String({ maxLength: 255 }), Type.Null()])),
    lat: Type.Optional(Type.Union([Type.Number({ minimum: -90, maximum: 90 }), Type.Null()])),
    lng: Type.Optional(Type.Union([Type.Number({ minimum: -180, maximum: 180 }), Type.Null()])),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: exampleLocation.name,
        address: exampleLocation.address,
        lat: exampleLocation.lat,
        lng: exampleLocation.lng,
      },
    ],
  },
);
export type CreateLocationInput = Static<typeof CreateLocationBody>;

export const LocationQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: 'Case-insensitive name prefix; % and _ match themselves',
      }),
    ),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type LocationQueryInput = Static<typeof LocationQuery>;
