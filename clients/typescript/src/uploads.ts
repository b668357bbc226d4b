import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  AnalyzeProjectRequestSchema,
  type AnalysisOptionsSchema,
  type AnalyzeProjectRequest,
} from './gen/pilotdeck/guardian/v1/guardian_pb.js';
import { UploadImportRequestSchema, type UploadImportRequest } from './gen/pilotdeck/imports/v1/imports_pb.js';
import { UploadAttachmentRequestSchema, type UploadAttachmentRequest } from './gen/pilotdeck/sessions/v1/sessions_pb.js';

/**
 * What an upload reads: the bytes themselves, or a stream of them — a Node `fs.createReadStream(path)`,
 * a browser `File.stream()` / `Response.body`, or any (async) iterable of byte arrays. A stream is
 * read one piece at a time as the call sends, so a large file never sits whole in memory.
 */
export type UploadSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;

/** Well under the server's 4 MiB message limit and its recommended 1 MiB per message. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;

export interface UploadImportOptions {
  /** The file name the import shows (portal, `pilotdeck import list`); defaults to a Node read stream's `path`. */
  readonly fileName?: string;
  /** The importer's options; for a roster: `cohort`, `channel`, `locale`, `status`, `source`. */
  readonly options?: Record<string, string>;
  readonly chunkBytes?: number;
}

/**
 * Metadata first, then the CSV in chunks: pass to `client.imports.uploadImport(...)`. `kind` is the
 * importer (`roster`, `identities`). The server plans the file (a dry run); commit the plan with
 * `commitImport` and the `planHash` it returns.
 */
export async function* uploadImportRequests(kind: string, source: UploadSource, upload: UploadImportOptions = {}): AsyncGenerator<UploadImportRequest> {
  yield create(UploadImportRequestSchema, {
    payload: { case: 'metadata', value: { kind, sourceFileName: baseName(upload.fileName ?? pathOf(source)), options: upload.options ?? {} } },
  });
  for await (const chunk of chunksOf(source, upload.chunkBytes)) {
    yield create(UploadImportRequestSchema, { payload: { case: 'chunk', value: chunk } });
  }
}

export interface AnalyzeProjectUpload {
  /** dbt's `target/manifest.json`. */
  readonly manifest: UploadSource;
  /** dbt's `target/catalog.json`, for column-level checks. */
  readonly catalog?: UploadSource;
  readonly projectName?: string;
  /** Defaults to a fresh UUID, so sending the same upload again is answered with the first analysis. */
  readonly requestId?: string;
  readonly options?: MessageInitShape<typeof AnalysisOptionsSchema>;
  readonly chunkBytes?: number;
}

/** Metadata first, then the manifest and the catalog in chunks: pass to `client.guardian.analyzeProject(...)`. */
export async function* analyzeProjectRequests(upload: AnalyzeProjectUpload): AsyncGenerator<AnalyzeProjectRequest> {
  yield create(AnalyzeProjectRequestSchema, {
    payload: {
      case: 'metadata',
      value: { requestId: upload.requestId ?? crypto.randomUUID(), projectName: upload.projectName ?? '', options: upload.options },
    },
  });
  for await (const chunk of chunksOf(upload.manifest, upload.chunkBytes)) {
    yield create(AnalyzeProjectRequestSchema, { payload: { case: 'manifestChunk', value: chunk } });
  }
  if (upload.catalog === undefined) return;
  for await (const chunk of chunksOf(upload.catalog, upload.chunkBytes)) {
    yield create(AnalyzeProjectRequestSchema, { payload: { case: 'catalogChunk', value: chunk } });
  }
}

export interface AttachmentUpload {
  readonly participantId: string;
  readonly sessionId?: string;
  readonly fileName: string;
  /** The file's real type (`text/vtt`, `video/mp4`, …): the server checks it against the first bytes. */
  readonly contentType: string;
  readonly content: UploadSource;
  /** Defaults to a fresh UUID, so sending the same upload again is answered with the first attachment. */
  readonly requestId?: string;
  readonly chunkBytes?: number;
}

/** Metadata first, then the file in chunks: pass to `client.sessions.uploadAttachment(...)`. */
export async function* uploadAttachmentRequests(upload: AttachmentUpload): AsyncGenerator<UploadAttachmentRequest> {
  yield create(UploadAttachmentRequestSchema, {
    payload: {
      case: 'metadata',
      value: {
        requestId: upload.requestId ?? crypto.randomUUID(),
        participantId: upload.participantId,
        sessionId: upload.sessionId ?? '',
        fileName: upload.fileName,
        contentType: upload.contentType,
      },
    },
  });
  for await (const chunk of chunksOf(upload.content, upload.chunkBytes)) {
    yield create(UploadAttachmentRequestSchema, { payload: { case: 'chunk', value: chunk } });
  }
}

/**
 * The source cut (or gathered) into messages of exactly `chunkBytes`, the last one shorter. Pieces a
 * stream hands over are sliced without copying; only the bytes spanning two pieces are copied.
 */
export async function* chunksOf(source: UploadSource, chunkBytes = DEFAULT_CHUNK_BYTES): AsyncGenerator<Uint8Array> {
  if (!Number.isInteger(chunkBytes) || chunkBytes <= 0) throw new RangeError(`chunkBytes must be a positive integer, not ${chunkBytes}`);
  const pending = new Uint8Array(chunkBytes);
  let filled = 0;
  for await (const piece of piecesOf(source)) {
    let offset = 0;
    if (filled > 0) {
      const taken = Math.min(chunkBytes - filled, piece.length);
      pending.set(piece.subarray(0, taken), filled);
      filled += taken;
      offset = taken;
      if (filled < chunkBytes) continue;
      yield pending.slice();
      filled = 0;
    }
    for (; piece.length - offset >= chunkBytes; offset += chunkBytes) yield piece.subarray(offset, offset + chunkBytes);
    pending.set(piece.subarray(offset), 0);
    filled = piece.length - offset;
  }
  if (filled > 0) yield pending.slice(0, filled);
}

async function* piecesOf(source: UploadSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    yield source;
  } else if (isReadableStream(source)) {
    // Not every browser makes ReadableStream async-iterable yet; its reader works everywhere.
    const reader = source.getReader();
    try {
      for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
    } finally {
      reader.releaseLock();
    }
  } else {
    yield* source;
  }
}

function isReadableStream(source: UploadSource): source is ReadableStream<Uint8Array> {
  return typeof (source as ReadableStream<Uint8Array>).getReader === 'function';
}

function pathOf(source: UploadSource): string {
  const path = (source as { path?: unknown }).path;
  return typeof path === 'string' ? path : '';
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
