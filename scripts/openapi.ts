import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CLIENT_TYPES_FILE,
  DOCUMENT_FILE,
  renderClientTypes,
  renderDocument,
} from './openapi-files.js';

// npm run openapi: the document the server serves → openapi/photogram.json, and the typed
// client's types generated from it → openapi/client/schema.ts. Tests fail when either is stale.
const document = await renderDocument();
await writeFile(DOCUMENT_FILE, document);
await writeFile(CLIENT_TYPES_FILE, await renderClientTypes(document));
for (const file of [DOCUMENT_FILE, CLIENT_TYPES_FILE]) {
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}
