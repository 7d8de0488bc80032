// product-files.tsx - back office: a product's downloadable files (every
// version, upload with a real progress bar, delete of a version never
// downloaded) and image uploads for the edit form. Files go straight to S3
// with a presigned PUT when the API's storage is S3 (presign answers 409 on
// local storage), otherwise as the raw body of POST .../files.
import { useRef, useState } from 'preact/hooks';
import { api, ApiError, urlOf, type Post } from '../api/ApiService';
import type { components } from '../api/types';
import { Button, ErrorBox, Field, FormError, Notice, Progress, Spinner, useAction } from '../lib/ui';
import { bytes } from '../lib/format';
import { Confirm, when } from './ui';
import type { Product } from './product-model';

type FileRow = Product['all_files'][number];
type FileVersion = components['schemas']['AdminProductFileVersion'];
type ImageAnswer = components['schemas']['ProductImage'];
type Step = { phase: 'sending'; done: number; total: number } | { phase: 'checking' };

/** What this page learnt of the storage: presign answers 409 on local storage. */
let storage: 'unknown' | 's3' | 'local' = 'unknown';

/** Types browsers often leave empty, by extension (the API checks the type against its list). */
const BY_EXT: Record<string, string> = {
  zip: 'application/zip', pdf: 'application/pdf', epub: 'application/epub+zip', json: 'application/json',
  txt: 'text/plain', csv: 'text/csv', md: 'text/markdown', markdown: 'text/markdown', png: 'image/png',
  jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', svg: 'image/svg+xml',
  ttf: 'font/ttf', otf: 'font/otf', woff2: 'font/woff2', mp3: 'audio/mpeg', mp4: 'video/mp4',
};
function typeOf(file: File): string {
  const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
  return file.type || BY_EXT[ext] || 'application/octet-stream';
}

/** Upload one file as the next version of its label, reporting the bytes sent. */
async function uploadFile(id: string, file: File, label: string, filename: string, onStep: (s: Step) => void, signal: AbortSignal): Promise<FileVersion> {
  const contentType = typeOf(file);
  const onProgress = (done: number, total: number) => onStep({ phase: 'sending', done, total });
  onStep({ phase: 'sending', done: 0, total: file.size });
  if (storage !== 'local') {
    let pre: Post<'/api/v1/admin/products/{id}/files/presign'> | undefined;
    try {
      pre = await api.post('/api/v1/admin/products/{id}/files/presign', {
        path: { id }, body: { label, filename, content_type: contentType, size_bytes: file.size }, signal,
      });
      storage = 's3';
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 409)) throw e;
      storage = 'local';
    }
    if (pre) {
      // the browser sets Content-Length itself (scripts may not); it is the declared size
      const headers = Object.fromEntries(Object.entries(pre.headers).filter(([k]) => k.toLowerCase() !== 'content-length'));
      await api.upload(pre.url, file, { method: pre.method, sameOrigin: false, headers, onProgress, signal });
      onStep({ phase: 'checking' });
      return api.post('/api/v1/admin/products/{id}/files/complete', { path: { id }, body: { upload_id: pre.upload_id }, signal });
    }
  }
  const url = urlOf('/api/v1/admin/products/{id}/files', { id }, { label, filename });
  const r = await api.upload(url, file, { headers: { 'Content-Type': contentType }, onProgress, signal });
  onStep({ phase: 'checking' });
  return r as FileVersion;
}

export function FilesSection({ product }: { product: Product }) {
  const [files, setFiles] = useState<FileRow[]>(product.all_files);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = useAction(async () => {
    const p = await api.get('/api/v1/admin/products/{id}', { path: { id: product.id } });
    setFiles(p.all_files);
  });
  const changed = (message: string) => { setNotice(message); void refresh.run(); };
  return (
    <section class="admin-section" aria-labelledby="product-files-h">
      <h2 id="product-files-h">Files</h2>
      <p class="muted">Buyers get the newest version of each label. Older versions are kept for the buyers who downloaded them.</p>
      {notice && <Notice kind="success">{notice}</Notice>}
      <ErrorBox error={refresh.error} retry={() => void refresh.run()} />
      {refresh.busy && <Spinner label="Refreshing the files" />}
      <FileTable productId={product.id} files={files} onDeleted={(f) => changed(`Deleted ${f.label} version ${f.version}.`)} />
      <UploadForm productId={product.id} labels={[...new Set(files.map((f) => f.label))]}
        onUploaded={(f) => changed(`Uploaded ${f.filename} as ${f.label} version ${f.version}.`)} />
    </section>
  );
}

function FileTable({ productId, files, onDeleted }: { productId: string; files: FileRow[]; onDeleted: (f: FileRow) => void }) {
  const [target, setTarget] = useState<FileRow | null>(null);
  const del = useAction(async (f: FileRow) => {
    await api.delete('/api/v1/admin/products/{id}/files/{file}', { path: { id: productId, file: f.id } });
    setTarget(null);
    onDeleted(f);
  });
  if (files.length === 0) return <p class="muted admin-empty">No files yet. A product needs at least one file before it can be published.</p>;
  return (
    <>
      <div class="admin-table-wrap">
        <table class="admin-table">
          <caption class="visually-hidden">The product's files, by label, newest version first</caption>
          <thead>
            <tr>
              <th scope="col">Label</th><th scope="col" class="num">Version</th><th scope="col">Filename</th>
              <th scope="col" class="num">Size</th><th scope="col" class="num">Downloads</th><th scope="col">Uploaded</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {files.map((f) => (
              <tr key={f.id}>
                <th scope="row">{f.label}</th>
                <td class="num">{f.version}</td>
                <td><span class="product-filename">{f.filename}</span><div class="muted small">{f.content_type}</div></td>
                <td class="num">{bytes(f.size_bytes)}</td>
                <td class="num">{f.downloads.toLocaleString('en-IN')}</td>
                <td>{when(f.created_at)}</td>
                <td>
                  {f.downloads === 0
                    ? <Button kind="link" onClick={() => { del.setError(null); setTarget(f); }} aria-label={`Delete ${f.label} version ${f.version}`}>Delete</Button>
                    : <span class="muted small">Kept (downloaded)</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Confirm open={target !== null} title="Delete this file version?" confirm="Delete" danger busy={del.busy}
        onConfirm={() => { if (target) void del.run(target); }} onCancel={() => setTarget(null)}>
        {target && <p>{target.label} version {target.version} ({target.filename}, {bytes(target.size_bytes)}) will be removed for good.</p>}
        {del.error && <p class="field-error" role="alert">{del.error.message}</p>}
      </Confirm>
    </>
  );
}

function UploadForm({ productId, labels, onUploaded }: { productId: string; labels: string[]; onUploaded: (f: FileVersion) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [label, setLabel] = useState(labels.length === 1 ? labels[0]! : '');
  const [filename, setFilename] = useState('');
  const [step, setStep] = useState<Step | null>(null);
  const [fieldError, setFieldError] = useState<ApiError | null>(null);
  const ctl = useRef<AbortController | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const up = useAction(async () => {
    const errs: Record<string, string> = {};
    if (!label.trim()) errs.label = 'is required';
    if (!filename.trim()) errs.filename = 'is required';
    if (!file) errs.body = 'choose a file to upload';
    else if (file.size === 0) errs.body = 'is empty';
    if (Object.keys(errs).length || !file) { setFieldError(new ApiError(422, 'invalid', 'Some fields need correcting.', errs)); return; }
    setFieldError(null);
    ctl.current = new AbortController();
    try {
      const f = await uploadFile(productId, file, label.trim(), filename.trim(), setStep, ctl.current.signal);
      setFile(null); setFilename('');
      setInputKey((k) => k + 1);
      onUploaded(f);
    } catch (e) {
      if (ctl.current?.signal.aborted) throw new ApiError(0, 'aborted', 'The upload was cancelled.');
      if (e instanceof ApiError && e.status === 422) { setFieldError(e); return; }
      throw e;
    } finally {
      setStep(null);
      ctl.current = null;
    }
  });
  const err = fieldError ?? (up.error?.code === 'aborted' ? null : up.error);
  return (
    <form class="card admin-section product-upload" noValidate aria-labelledby="upload-h" onSubmit={(e) => { e.preventDefault(); void up.run(); }}>
      <h3 id="upload-h">Upload a file</h3>
      <FormError error={err} shown={['label', 'filename', 'body']} />
      {up.error?.code === 'aborted' && <Notice>The upload was cancelled.</Notice>}
      <div class="admin-grid">
        <Field label="Label" name="label" error={err} maxLength={100} list="file-labels" value={label} onInput={(e) => setLabel(e.currentTarget.value)}
          hint="The file as buyers see it, e.g. PDF edition. An existing label gets a new version." />
        <datalist id="file-labels">{labels.map((l) => <option key={l} value={l} />)}</datalist>
        <Field key={inputKey} label="File" name="body" error={err} type="file"
          onChange={(e) => { const f = e.currentTarget.files?.[0] ?? null; setFile(f); if (f) setFilename(f.name); }} />
        <Field label="Filename buyers get" name="filename" error={err} maxLength={255} value={filename} onInput={(e) => setFilename(e.currentTarget.value)} />
      </div>
      {file && !step && <p class="muted small">{file.name}: {bytes(file.size)}, {typeOf(file)}</p>}
      {step?.phase === 'sending' && <Progress value={step.done} max={step.total || 1} label={`Uploading ${filename}`} />}
      {step?.phase === 'checking' && <Spinner label="Checking the uploaded file" />}
      <div class="actions">
        <Button type="submit" busy={up.busy}>Upload</Button>
        {up.busy && <Button kind="secondary" onClick={() => ctl.current?.abort()}>Cancel upload</Button>}
      </div>
    </form>
  );
}

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];
let imageSeq = 0;

/** A file input that uploads an image at once (with progress) and hands back its URL. */
export function ImageUpload({ productId, label, onUploaded }: { productId: string; label: string; onUploaded: (url: string) => void }) {
  const id = useRef(`img-up-${++imageSeq}`).current;
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const up = useAction(async (file: File) => {
    if (!IMAGE_TYPES.includes(file.type)) throw new ApiError(415, 'client', 'Choose a PNG, JPEG, WebP or GIF image.');
    if (file.size > 10 * 1024 * 1024) throw new ApiError(413, 'client', `The image is ${bytes(file.size)}: at most 10 MB.`);
    setProgress({ done: 0, total: file.size });
    try {
      const r = await api.upload(urlOf('/api/v1/admin/products/{id}/images', { id: productId }), file, {
        headers: { 'Content-Type': file.type }, onProgress: (done, total) => setProgress({ done, total }),
      }) as ImageAnswer;
      onUploaded(r.url);
    } finally {
      setProgress(null);
    }
  });
  return (
    <div class="field product-image-upload">
      <label for={id}>{label}</label>
      <input id={id} type="file" accept={IMAGE_TYPES.join(',')} disabled={up.busy}
        onChange={(e) => { const f = e.currentTarget.files?.[0]; e.currentTarget.value = ''; if (f) void up.run(f); }} />
      {progress && <Progress value={progress.done} max={progress.total || 1} label={`${label}: uploading`} />}
      <ErrorBox error={up.error} />
    </div>
  );
}
