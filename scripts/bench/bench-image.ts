import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Config } from '../../src/config.js';
import { processImage } from '../../src/media/images.js';
import { createStorage, isValidMediaKey, type MediaExtension } from '../../src/media/storage.js';
import type { BenchImage } from './dataset.js';

/**
 * Makes one real 1080×1080 picture, runs it through the upload pipeline and stores its display
 * version and thumbnail through the configured storage, so every seeded `/media` URL works.
 * Keys have the storage key format but a fixed salt (newMediaKey salts randomly), which keeps
 * two seeds of the same shape byte-identical.
 */
export async function storeBenchImage(config: Readonly<Config>): Promise<BenchImage> {
  const side = 1080;
  const pixels = Buffer.alloc(side * side * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const at = (y * side + x) * 3;
      pixels[at] = Math.round((x / side) * 255);
      pixels[at + 1] = Math.round((y / side) * 255);
      pixels[at + 2] = 160;
    }
  }
  const png = await sharp(pixels, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
  const processed = await processImage(png);
  const storage = createStorage(config);
  try {
    const storageKey = fixedKey(processed.display.data, processed.display.ext);
    const thumbnailKey = fixedKey(processed.thumbnail.data, processed.thumbnail.ext);
    await storage.put(storageKey, processed.display.data, processed.display.mime);
    await storage.put(thumbnailKey, processed.thumbnail.data, processed.thumbnail.mime);
    return {
      storageKey,
      thumbnailKey,
      mime: processed.display.mime,
      width: processed.display.width,
      height: processed.display.height,
      blurhash: processed.blurhash,
      bytes: processed.display.data.length,
    };
  } finally {
    await storage.close();
  }
}

function fixedKey(content: Buffer, ext: MediaExtension): string {
  const hex = createHash('sha256').update('photogram-bench').update(content).digest('hex');
  const key = `${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex}.${ext}`;
  if (!isValidMediaKey(key)) throw new Error(`bench image key has an invalid format: ${key}`);
  return key;
}
