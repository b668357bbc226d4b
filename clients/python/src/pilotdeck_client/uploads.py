"""Uploads as request streams: a dbt manifest (and catalog) for AnalyzeProject, a file for
UploadAttachment, a CSV file for UploadImport."""

import os
import uuid
from typing import BinaryIO, Iterator, Mapping, Optional, Union

from .protos.pilotdeck.guardian.v1 import guardian_pb2
from .protos.pilotdeck.imports.v1 import imports_pb2
from .protos.pilotdeck.sessions.v1 import sessions_pb2

# Well under the server's 4 MiB message limit and its recommended 1 MiB per message.
DEFAULT_CHUNK_BYTES = 256 * 1024

# The bytes themselves, or a file opened in binary mode.
Source = Union[bytes, bytearray, BinaryIO]


def analyze_project_requests(manifest: Source, catalog: Optional[Source] = None, project_name: str = "",
                             request_id: Optional[str] = None, options: Optional[guardian_pb2.AnalysisOptions] = None,
                             chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> Iterator[guardian_pb2.AnalyzeProjectRequest]:
    """Metadata first, then the files in chunks: pass to `api.guardian.AnalyzeProject(...)`.

    manifest and catalog are bytes or files opened in binary mode, read a chunk at a time.
    request_id defaults to a fresh UUID, so sending the same generator's output again (with the
    same bytes) is answered with the first analysis.
    """
    metadata = guardian_pb2.AnalyzeProjectMetadata(request_id=request_id or str(uuid.uuid4()), project_name=project_name)
    if options is not None:
        metadata.options.CopyFrom(options)
    yield guardian_pb2.AnalyzeProjectRequest(metadata=metadata)
    for chunk in _chunks(manifest, chunk_bytes):
        yield guardian_pb2.AnalyzeProjectRequest(manifest_chunk=chunk)
    for chunk in _chunks(catalog or b"", chunk_bytes):
        yield guardian_pb2.AnalyzeProjectRequest(catalog_chunk=chunk)


def upload_attachment_requests(participant_id: str, file_name: str, content_type: str, content: Source, session_id: str = "",
                               request_id: Optional[str] = None,
                               chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> Iterator[sessions_pb2.UploadAttachmentRequest]:
    """Metadata first, then the file in chunks: pass to `api.sessions.UploadAttachment(...)`.

    content is the file's bytes or the file opened in binary mode. content_type must be the file's
    real type (text/vtt, video/mp4, ...): the server checks it against the first bytes. request_id
    defaults to a fresh UUID, so sending the same generator's output again is answered with the
    first attachment.
    """
    yield sessions_pb2.UploadAttachmentRequest(metadata=sessions_pb2.UploadAttachmentMetadata(
        request_id=request_id or str(uuid.uuid4()), participant_id=participant_id, session_id=session_id,
        file_name=file_name, content_type=content_type))
    for chunk in _chunks(content, chunk_bytes):
        yield sessions_pb2.UploadAttachmentRequest(chunk=chunk)


def upload_import_requests(kind: str, source: Source, file_name: str = "",
                           options: Optional[Mapping[str, str]] = None,
                           chunk_bytes: int = DEFAULT_CHUNK_BYTES) -> Iterator[imports_pb2.UploadImportRequest]:
    """Metadata first, then the file in chunks: pass to `api.imports.UploadImport(...)`.

    source is the file's bytes or a file opened in binary mode; a file is read one chunk at a time
    as grpcio sends, so a large roster never sits whole in memory. kind is the importer
    ("roster", "identities"); options are its options (for a roster: cohort, channel, locale...).
    file_name defaults to the open file's own name. The server plans the file (a dry run); commit
    the plan with CommitImport and the plan hash it returns.
    """
    name = file_name or getattr(source, "name", "")
    yield imports_pb2.UploadImportRequest(metadata=imports_pb2.UploadImportMetadata(
        kind=kind, source_file_name=os.path.basename(str(name)), options=dict(options or {})))
    for chunk in _chunks(source, chunk_bytes):
        yield imports_pb2.UploadImportRequest(chunk=chunk)


def _chunks(source: Source, chunk_bytes: int) -> Iterator[bytes]:
    """The bytes in slices, or the file read one chunk at a time as the caller pulls."""
    if chunk_bytes <= 0:
        raise ValueError("chunk_bytes must be positive, not %d" % chunk_bytes)
    if isinstance(source, (bytes, bytearray)):
        for start in range(0, len(source), chunk_bytes):
            yield bytes(source[start:start + chunk_bytes])
        return
    while True:
        chunk = source.read(chunk_bytes)
        if not chunk:
            return
        yield chunk
