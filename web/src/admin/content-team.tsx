// content-team.tsx - back office: the team page's members. The list in
// order with Move up / Move down (each move saved through the order
// endpoint), a form to add or edit a member (name, role, bio, photo, links,
// shown on the site or hidden) and Delete behind a Confirm.
import { useState } from 'preact/hooks';
import { api } from '../api/ApiService';
import type { components } from '../api/types';
import { Button, ErrorBox, Field, FormError, Load, Notice, useAction, useAsync } from '../lib/ui';
import { AdminPage, Confirm } from './ui';
import type { AdminRoute } from './types';
import { TextArea, useFocusAfter } from './content-blocks';
import '../styles/admin-content.css';

type S = components['schemas'];
type Member = S['TeamMemberAdmin'];

function MemberForm({ member, onDone, onCancel }: { member: Member | null; onDone: (m: Member) => void; onCancel: () => void }) {
  const [name, setName] = useState(member?.name ?? '');
  const [role, setRole] = useState(member?.role_title ?? '');
  const [bio, setBio] = useState(member?.bio ?? '');
  const [photo, setPhoto] = useState(member?.photo_url ?? '');
  const [visible, setVisible] = useState(member?.visible ?? true);
  const [links, setLinks] = useState<{ k: string; url: string }[]>(Object.entries(member?.socials ?? {}).map(([k, url]) => ({ k, url })));
  const save = useAction(async () => {
    const socials: Record<string, string> = {};
    for (const l of links) if (l.k.trim() || l.url.trim()) socials[l.k.trim().toLowerCase()] = l.url.trim();
    const body = { name: name.trim(), role_title: role.trim(), bio: bio.trim(), photo_url: photo.trim() || null, visible, socials };
    const m = member
      ? await api.patch('/api/v1/admin/team/{id}', { path: { id: member.id }, body })
      : await api.post('/api/v1/admin/team', { body });
    onDone(m);
  });
  const err = save.error;
  const socialShown = links.map((l) => `socials.${l.k.trim().toLowerCase()}`);
  const h = member ? `Edit ${member.name}` : 'Add a member';
  return (
    <form class="admin-section card content-pad" aria-labelledby="member-form-h" onSubmit={(e) => { e.preventDefault(); void save.run(); }}>
      <h2 id="member-form-h" tabIndex={-1}>{h}</h2>
      <FormError error={err} shown={['name', 'role_title', 'bio', 'photo_url', 'visible', 'socials', ...socialShown]} />
      <div class="content-row">
        <Field label="Name (required)" name="name" error={err} required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <Field label="Role" name="role_title" error={err} value={role} onInput={(e) => setRole((e.target as HTMLInputElement).value)} />
      </div>
      <TextArea label="Bio" name="bio" error={err} rows={4} value={bio} onInput={setBio} />
      <Field label="Photo address" name="photo_url" error={err} hint="An https:// address or a path on the site; empty for none (initials are shown)." value={photo}
        onInput={(e) => setPhoto((e.target as HTMLInputElement).value)} />
      <fieldset class="content-items">
        <legend>Links elsewhere</legend>
        {err?.fields.socials && <p class="field-error">{err.fields.socials}</p>}
        {links.length === 0 && <p class="muted small">None.</p>}
        {links.map((l, i) => {
          const path = `socials.${l.k.trim().toLowerCase()}`;
          return (
            <div key={i} class="content-row content-social">
              <Field label={`Network ${i + 1}`} name={`social-k-${i}`} hint="github, linkedin, x, website…" value={l.k}
                onInput={(e) => setLinks(links.map((x, j) => (j === i ? { ...x, k: (e.target as HTMLInputElement).value } : x)))} />
              <Field label={`Address ${i + 1}`} name={path} error={err} hint="https://…" type="url" value={l.url}
                onInput={(e) => setLinks(links.map((x, j) => (j === i ? { ...x, url: (e.target as HTMLInputElement).value } : x)))} />
              <Button kind="secondary" class="btn-small" onClick={() => setLinks(links.filter((_, j) => j !== i))}>Remove<span class="visually-hidden"> link {i + 1}</span></Button>
            </div>
          );
        })}
        <Button kind="secondary" class="btn-small" disabled={links.length >= 10} onClick={() => setLinks([...links, { k: '', url: '' }])}>Add a link</Button>
      </fieldset>
      <div class="field field-check">
        <label><input type="checkbox" name="visible" checked={visible} onChange={(e) => setVisible((e.target as HTMLInputElement).checked)} /> Shown on the site</label>
      </div>
      <div class="content-savebar">
        <Button type="submit" busy={save.busy}>{member ? 'Save' : 'Add member'}</Button>
        <Button kind="secondary" onClick={onCancel} disabled={save.busy}>Cancel</Button>
      </div>
    </form>
  );
}

function Team() {
  const state = useAsync((signal) => api.get('/api/v1/admin/team', { signal }), []);
  const [editing, setEditing] = useState<Member | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Member | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const focusAfter = useFocusAfter();
  const items = state.data?.items ?? [];

  // while a move is saved the buttons stay enabled (ignoring clicks): a disabled
  // button would drop the keyboard focus before it can be put back on the moved row
  const reorder = useAction(async (i: number, d: -1 | 1) => {
    const ids = items.map((m) => m.id);
    const [id] = ids.splice(i, 1);
    ids.splice(i + d, 0, id!);
    const list = await api.put('/api/v1/admin/team/order', { body: { ids } });
    focusAfter(`tm-${id}-${d < 0 ? 'up' : 'down'}`, `tm-${id}-${d < 0 ? 'down' : 'up'}`);
    state.set(list);
    setMessage(`${items[i]!.name} moved ${d < 0 ? 'up' : 'down'} (now ${i + d + 1} of ${list.items.length}).`);
  });
  const del = useAction(async (m: Member) => {
    await api.delete('/api/v1/admin/team/{id}', { path: { id: m.id } });
    setDeleting(null);
    setMessage(`${m.name} removed from the team.`);
    state.reload();
  });
  const edit = (m: Member | 'new') => { setEditing(m); setMessage(null); focusAfter('member-form-h'); };
  // the form goes after Save or Cancel: back to the button that opened it
  const closeForm = () => { focusAfter(...(editing && editing !== 'new' ? [`tm-${editing.id}-edit`] : []), 'tm-add'); setEditing(null); };

  return (
    <AdminPage title="Team" actions={<Button id="tm-add" onClick={() => edit('new')} disabled={items.length >= 200}>Add a member</Button>}>
      {message && <Notice kind="success">{message}</Notice>}
      {editing && (
        <MemberForm key={editing === 'new' ? 'new' : editing.id} member={editing === 'new' ? null : editing} onCancel={closeForm}
          onDone={(m) => { closeForm(); setMessage(editing === 'new' ? `${m.name} added (last in the order).` : `${m.name} saved.`); state.reload(); }} />
      )}
      <ErrorBox error={reorder.error} />
      <Load state={state} label="Loading the team">
        {(t) => t.items.length === 0 ? <p class="muted admin-empty">No members yet.</p> : (
          <div class="admin-table-wrap">
            <table class="admin-table">
              <caption class="visually-hidden">The team, in the order of the team page</caption>
              <thead><tr><th scope="col" class="num">#</th><th scope="col">Name</th><th scope="col">Role</th><th scope="col">On the site</th><th scope="col">Order</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                {t.items.map((m, i) => (
                  <tr key={m.id}>
                    <td class="num">{i + 1}</td>
                    <th scope="row">{m.name}</th>
                    <td>{m.role_title || '—'}</td>
                    <td>{m.visible ? 'Shown' : <span class="status status-muted">hidden</span>}</td>
                    <td class="content-actions-cell">
                      <Button id={`tm-${m.id}-up`} kind="secondary" class="btn-small" disabled={i === 0} aria-disabled={reorder.busy || undefined} onClick={() => { if (!reorder.busy) void reorder.run(i, -1); }}>Move up<span class="visually-hidden"> {m.name}</span></Button>
                      <Button id={`tm-${m.id}-down`} kind="secondary" class="btn-small" disabled={i === t.items.length - 1} aria-disabled={reorder.busy || undefined} onClick={() => { if (!reorder.busy) void reorder.run(i, 1); }}>Move down<span class="visually-hidden"> {m.name}</span></Button>
                    </td>
                    <td class="content-actions-cell">
                      <Button id={`tm-${m.id}-edit`} kind="secondary" class="btn-small" onClick={() => edit(m)}>Edit<span class="visually-hidden"> {m.name}</span></Button>
                      <Button kind="danger" class="btn-small" onClick={() => { del.setError(null); setDeleting(m); }}>Delete<span class="visually-hidden"> {m.name}</span></Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Load>
      <Confirm open={deleting !== null} title={`Delete ${deleting?.name ?? ''}?`} confirm="Delete" danger busy={del.busy}
        onConfirm={() => { if (deleting) void del.run(deleting); }} onCancel={() => setDeleting(null)}>
        <p>{deleting?.name} is removed from the team for good. To take them off the site but keep them here, edit them and untick “Shown on the site”.</p>
        {del.error && <ErrorBox error={del.error} />}
      </Confirm>
    </AdminPage>
  );
}

export const teamRoutes: AdminRoute[] = [
  { pattern: '/admin/team', permission: 'team:write', view: () => <Team />, nav: { label: 'Team', group: 'Content' } },
];
