import { Type } from 'typebox';

export const MAX_HIDDEN_WORDS = 200;

const example = { words: ['spoiler', 'crème brûlée', '🍕'] };

export const HiddenWords = Type.Object(
  {
    words: Type.Array(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          'A word or phrase, matched case- and accent-insensitively: one with letters or digits ' +
          'matches whole words only, one without (an emoji) anywhere in the text',
      }),
      { maxItems: MAX_HIDDEN_WORDS },
    ),
  },
  { title: 'HiddenWords', examples: [example] },
);

export const HiddenWordsBody = Type.Object(
  {
    words: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      maxItems: MAX_HIDDEN_WORDS,
      description: 'The whole list (replaces the previous one); duplicates are kept once',
    }),
  },
  { additionalProperties: false, examples: [example] },
);
